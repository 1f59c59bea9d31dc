import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/core/errors.js";
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

describe("rule data errors", () => {
  const write = (name: string, text: string) => {
    const dir = mkdtempSync(join(tmpdir(), "rampart-misconfig-"));
    writeFileSync(join(dir, name), text);
    return dir;
  };
  const valid = readFileSync(definitions[0]!.file, "utf8");

  it("names the file and line of an invalid rule", () => {
    const dir = write("broken.yaml", valid.replace(/^severity: \w+/m, "severity: urgent"));
    expect(() => loadMisconfigRuleDefinitions(dir)).toThrow(ConfigError);
    expect(() => loadMisconfigRuleDefinitions(dir)).toThrow(/severity: must be one of/);
    try {
      loadMisconfigRuleDefinitions(dir);
    } catch (error) {
      expect((error as ConfigError).file).toBe(join(dir, "broken.yaml"));
      expect((error as ConfigError).line).toBe(2);
    }
  });

  it("says which check file is missing for an unknown id", () => {
    const dir = write("new-rule.yaml", valid.replace(/^id: .+$/m, "id: not-a-real-check"));
    expect(() => loadMisconfigRuleDefinitions(dir)).toThrow(/checks\/not-a-real-check\.ts/);
  });
});
