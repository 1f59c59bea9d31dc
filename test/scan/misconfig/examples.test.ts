import { describe, expect, it } from "vitest";
import { applyRules } from "../../../src/scan/apply-rules.js";
import { loadMisconfigRuleDefinitions, loadMisconfigRules } from "../../../src/scan/misconfig/catalog.js";

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
  const run = (file: string, text: string) =>
    applyRules([definition.rule], { path: file, text }, (_rule, error) => errors.push(error));

  it.each(definition.positive.map((e, i) => [i, e] as const))("positive example %i is reported on its line", (_i, example) => {
    const findings = run(example.file ?? "example.txt", example.text);
    expect(errors).toEqual([]);
    expect(findings.map((f) => f.line)).toContain(example.line);
  });

  it.each(definition.negative.map((e, i) => [i, e] as const))("negative example %i is not reported", (_i, example) => {
    const findings = run(example.file ?? "example.txt", example.text);
    expect(errors).toEqual([]);
    expect(findings).toEqual([]);
  });
});
