import { describe, expect, it } from "vitest";
import { applyRules } from "../../../src/scan/apply-rules.js";
import { loadMisconfigRuleDefinitions, loadMisconfigRules } from "../../../src/scan/misconfig/catalog.js";
import type { ScanFileWithTree } from "../../../src/scan/misconfig/tree.js";

const definitions = loadMisconfigRuleDefinitions();

describe("misconfig rule catalog", () => {
  it("loads every rule with misconfig category, remediation and references", () => {
    const rules = loadMisconfigRules();
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.meta.category).toBe("misconfig");
      expect(rule.meta.remediation?.length).toBeGreaterThan(10);
      expect(rule.meta.references?.length).toBeGreaterThan(0);
    }
    expect(new Set(rules.map((r) => r.meta.id)).size).toBe(rules.length);
  });
});

describe.each(definitions.map((d) => [d.rule.meta.id, d] as const))("%s", (_id, definition) => {
  const errors: unknown[] = [];
  const run = (file: string, text: string, tree?: string[]) =>
    applyRules([definition.rule], { path: file, text, ...(tree ? { tree } : {}) } as ScanFileWithTree, (_rule, error) => errors.push(error));

  it.each(definition.positive.map((e, i) => [i, e] as const))("positive example %i is reported on its line", (_i, example) => {
    const findings = run(example.file, example.text, example.tree);
    expect(errors).toEqual([]);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.map((f) => f.line)).toContain(example.line);
    for (const f of findings) expect(f.ruleId).toBe(definition.rule.meta.id);
    if (example.severity) expect(findings.find((f) => f.line === example.line)?.severity).toBe(example.severity);
  });

  it.each(definition.negative.map((e, i) => [i, e] as const))("negative example %i is not reported", (_i, example) => {
    const findings = run(example.file, example.text, example.tree);
    expect(errors).toEqual([]);
    expect(findings).toEqual([]);
  });
});
