import { describe, expect, it } from "vitest";
import { applyRules } from "../../../src/scan/apply-rules.js";
import { compilePatternRule } from "../../../src/scan/secrets/pattern-rule.js";

const where = { file: "test.yaml" };
const scan = (rule: ReturnType<typeof compilePatternRule>, text: string) => applyRules([rule], { path: "x.txt", text });

describe("pattern rules", () => {
  it("keep the rule's case-insensitive flag in its allow-list regexes", () => {
    const rule = compilePatternRule(
      { id: "t", description: "t", severity: "high", ignoreCase: true, pattern: "tok=(?<secret>[a-z0-9]{12})", allow: ["^skipme"] },
      where,
    );
    expect(scan(rule, "tok=SKIPME9f3k2q")).toEqual([]);
    expect(scan(rule, "tok=q9f3k2SKIPME")).toHaveLength(1);
  });

  it("skip matches whose name group an ignoreNames regex matches, case-insensitively", () => {
    const rule = compilePatternRule(
      { id: "t", description: "t", severity: "high", pattern: "(?<name>[A-Za-z_]+)=(?<secret>[a-z0-9]{12})", ignoreNames: ["public"] },
      where,
    );
    expect(scan(rule, "PUBLIC_token=q9f3k2x8w7v6")).toEqual([]);
    expect(scan(rule, "privatetoken=q9f3k2x8w7v6")).toHaveLength(1);
  });
});
