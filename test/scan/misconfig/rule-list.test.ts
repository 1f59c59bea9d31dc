import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allRules } from "../../../src/cli/commands/rules.js";
import { loadMisconfigRules } from "../../../src/scan/misconfig/catalog.js";
import { currentRuleList, renderRuleTable, withRuleList } from "../../../src/scan/misconfig/rule-list.js";
import { repoRoot, runCli } from "../../support/cli.js";

describe("README rule list", () => {
  it("matches what the generator produces from the real rule registry", async () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    const expected = renderRuleTable(await allRules());
    // When this fails: npx tsc -p tsconfig.build.json && node dist/scan/misconfig/update-readme-rules.js
    expect(currentRuleList(readme), "README rule list is stale; regenerate it with node dist/scan/misconfig/update-readme-rules.js").toBe(expected);
  });

  it("replaces only the marked block and refuses a README without markers", () => {
    const rules = [
      { id: "a-rule", category: "misconfig" as const, severity: "low" as const, description: "pipes | escaped", source: "test", references: ["CWE-1"] },
    ];
    const updated = withRuleList("# T\n<!-- rules:start -->\nold\n<!-- rules:end -->\ntail\n", rules);
    expect(updated).toContain("| `a-rule` | misconfig | low | pipes \\| escaped | CWE-1 |");
    expect(updated).not.toContain("old");
    expect(updated.endsWith("<!-- rules:end -->\ntail\n")).toBe(true);
    expect(() => withRuleList("# no markers\n", rules)).toThrow(/rules:start/);
  });
});

describe("rampart rules list", () => {
  it("lists every misconfig rule with its severity and source", async () => {
    const result = await runCli(["rules", "list", "--format", "json"]);
    expect(result.code).toBe(0);
    const listed = (JSON.parse(result.stdout) as { rules: Array<{ id: string; category: string; source: string; remediation?: string }> }).rules;
    for (const rule of loadMisconfigRules()) {
      const entry = listed.find((r) => r.id === rule.meta.id);
      expect(entry, rule.meta.id).toBeDefined();
      expect(entry?.category).toBe(rule.meta.category);
      expect(entry?.source).toBe(`rules/misconfig/${rule.meta.id}.yaml`);
      expect(entry?.remediation).toBe(rule.meta.remediation);
    }
    // No rule id appears twice across domains.
    expect(new Set(listed.map((r) => r.id)).size).toBe(listed.length);
  });
});
