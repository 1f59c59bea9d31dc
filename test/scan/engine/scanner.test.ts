import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EMPTY_CONFIG, loadScanConfig } from "../../../src/scan/config.js";
import { describeRuleSet } from "../../../src/scan/registry.js";
import { Scanner } from "../../../src/scan/scanner.js";
import { githubToken, randomChars, tempDir } from "./fixtures.js";

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

describe("Scanner", () => {
  it("is built from a description that survives a structured clone (what a worker is sent) into the same rule set", () => {
    writeFileSync(join(tmp.dir, "rampart.config.yaml"), "rules:\n  secretlint-github: off\n  github-pat: medium\n");
    const description = describeRuleSet(loadScanConfig(undefined, tmp.dir), ["secret"], "1.2.3");
    const here = Scanner.fromDescription(description);
    const there = Scanner.fromDescription(structuredClone(description));
    expect(there.rules.map((r) => [r.meta.id, r.meta.severity])).toEqual(here.rules.map((r) => [r.meta.id, r.meta.severity]));
    expect(there.fingerprint).toBe(here.fingerprint);
    const file = { path: "src/a.ts", text: `const t = "${githubToken()}";\n` };
    expect(there.scan(file)).toEqual(here.scan(file));
    expect(here.rules.some((r) => r.meta.id === "secretlint-github" || r.meta.category !== "secret")).toBe(false);
  });

  it("keeps its rules, keyword index and matchers to itself: two rule sets in one process do not leak into each other", () => {
    const value = `itk_${randomChars(32)}`;
    writeFileSync(
      join(tmp.dir, "rampart.config.yaml"),
      "customRules:\n  - id: internal-token\n    description: internal service token\n    severity: critical\n    keywords: [itk_]\n    files: ['**/*.ts']\n    pattern: 'itk_[A-Za-z0-9]{32}'\n",
    );
    const custom = Scanner.fromDescription(describeRuleSet(loadScanConfig(undefined, tmp.dir)));
    const plain = Scanner.fromDescription(describeRuleSet(EMPTY_CONFIG));
    const file = { path: "svc.ts", text: `const t = "${value}";\n` };
    expect(custom.scan(file).map((f) => f.ruleId)).toContain("internal-token");
    expect(plain.scan(file).map((f) => f.ruleId)).not.toContain("internal-token");
    expect(custom.scan({ ...file, path: "svc.py" }).map((f) => f.ruleId)).not.toContain("internal-token");
    expect(custom.fingerprint).not.toBe(plain.fingerprint);
  });
});
