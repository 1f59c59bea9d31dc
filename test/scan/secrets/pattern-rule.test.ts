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

  describe("written as names and value", () => {
    const rule = compilePatternRule({ id: "t", description: "t", severity: "high", names: ["tomtom", "tt_?key"], value: "[a-f0-9]{32}" }, where);
    const key = "9c1f4e0b7a2d8e3f6b5c4a1d0e9f8a7b";
    // The finding carries no raw value: read what it points at.
    const found = (text: string) =>
      scan(rule, text).map((f) => text.split("\n")[f.line - 1]?.slice(f.column - 1, f.endColumn === undefined ? undefined : f.endColumn - 1));

    it.each([
      ["Make ::=", `TOMTOM_TOKEN ::= "${key}"`],
      ["Make :::=", `TOMTOM_TOKEN :::= "${key}"`],
      ["Make ?=", `TOMTOM_TOKEN ?= "${key}"`],
      ["Go :=", `tomtomToken := \`${key}\``],
      ["Go var", `var tomtomToken string = "${key}"`],
      ["PHP .=", `$tomtomToken .= "${key}"`],
      ["setProperty", `System.setProperty("TOMTOM_TOKEN", "${key}")`],
      ["XML on the next line", `<tomtomToken>\n    ${key}\n</tomtomToken>`],
      ["escaped newline after the value", `{"config.ini": "TOMTOM_TOKEN=${key}\\nBACKUP=true"}`],
      ["a name fragment with an optional part, any case", `TT_KEY=${key}`],
    ])("finds the value after %s", (_context, text) => {
      expect(found(text)).toEqual([key]);
    });

    it("keeps the value's own case and never reads past a blank line or another setting", () => {
      expect(found(`tomtom_key=${key.toUpperCase()}`)).toEqual([]);
      expect(found(`tomtom_key=\n\nOTHER=${key}`)).toEqual([]);
      expect(found(`tomtom_key=${key}0`)).toEqual([]);
    });

    it("ends the value where valueEnd says: a base64 key does not run on into + or /", () => {
      const base64 = { id: "b", description: "b", severity: "high", names: ["kraken"], value: "[A-Za-z0-9+/]{8}" } as const;
      const loose = compilePatternRule(base64, where);
      const strict = compilePatternRule({ ...base64, valueEnd: "[A-Za-z0-9+/]" }, where);
      expect(scan(loose, "KRAKEN_SECRET=Qm9vK3dh+more")).toHaveLength(1);
      expect(scan(strict, "KRAKEN_SECRET=Qm9vK3dh+more")).toEqual([]);
      expect(scan(strict, "KRAKEN_SECRET=Qm9vK3dh")).toHaveLength(1);
    });

    it("takes its names as keywords when they are plain words, and builds no rule from a half-written entry", () => {
      expect(compilePatternRule({ id: "t", description: "t", severity: "high", names: ["tomtom"], value: "x" }, where).meta.keywords).toEqual(["tomtom"]);
      expect(rule.meta.keywords).toBeUndefined();
    });
  });
});
