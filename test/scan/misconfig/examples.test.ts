import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/core/errors.js";
import { applyRules } from "../../../src/scan/apply-rules.js";
import { FileContext } from "../../../src/scan/file-context.js";
import { loadMisconfigRuleDefinitions, loadMisconfigRuleSources, loadMisconfigRules } from "../../../src/scan/misconfig/catalog.js";
import { CHECKS } from "../../../src/scan/misconfig/checks/index.js";
import type { ScanFile } from "../../../src/scan/rule.js";

const definitions = loadMisconfigRuleDefinitions();

describe("misconfig rule catalog", () => {
  it("loads every rule with its category (misconfig unless the YAML says secret), remediation and references", () => {
    const rules = loadMisconfigRules();
    const declared = new Map(loadMisconfigRuleSources().map((s) => [s.data.id, s.data.category]));
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.meta.category).toBe(declared.get(rule.meta.id) ?? "misconfig");
      expect(rule.meta.remediation?.length).toBeGreaterThan(10);
      expect(rule.meta.references?.length).toBeGreaterThan(0);
    }
    expect(new Set(rules.map((r) => r.meta.id)).size).toBe(rules.length);
  });
});

describe.each(definitions.map((d) => [d.rule.meta.id, d] as const))("%s", (_id, definition) => {
  const errors: unknown[] = [];
  const run = (file: string, text: string, tree?: string[]) =>
    applyRules([definition.rule], { path: file, text, ...(tree ? { tree } : {}) } as ScanFile, (_rule, error) => errors.push(error));

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

/**
 * A rule's `candidates` regexes only decide whether its check runs at all, to save parsing. They must never
 * hide something the check would report: run each check with and without them over every example of every
 * rule, plus near misses of the literal-skipping candidates.
 */
describe("candidates hide no finding", () => {
  const probes = [
    ...definitions.flatMap((d) => [...d.positive, ...d.negative]),
    {
      file: "src/probe.ts",
      text: "if (signature !== 'sha256=' + hmac.digest('hex')) throw new Error();\nif (key !== API_KEY) deny();\nif (a.password == b.password) allow();\nif (apiSecretValue === given) ok();\n",
    },
    { file: "src/probe.js", text: "if (credentials === null || x) y();\nif (token === secret) z();\nconst ok = req.headers['x-api-key'] === cfg.apiKey;\n" },
    {
      file: "src/probe.mjs",
      text: "const jwt = process.env['JWT_SECRET'] ?? 'dev';\nconst s = config.get('sessionSecret') || \"x\";\napp.use(session({ secret: s }));\nres.cookie('sid', v, { httpOnly: false });\n",
    },
    {
      file: "src/probe.cjs",
      text: "const agent = new https.Agent({ 'rejectUnauthorized': (false) });\napp.use(cors({ origin: true, 'credentials': true }));\n",
    },
  ];
  const withCandidates = definitions.filter((d) => readFileSync(d.file, "utf8").includes("\ncandidates:"));

  it("covers the rules that have candidates", () => {
    expect(withCandidates.length).toBeGreaterThan(5);
  });

  it.each(withCandidates.map((d) => [d.rule.meta.id, d] as const))("%s", (id, definition) => {
    for (const probe of probes) {
      const file = { path: probe.file, text: probe.text, ...("tree" in probe && probe.tree ? { tree: probe.tree } : {}) };
      const gated = definition.rule.check(file).length;
      const ungated = CHECKS[id]!(new FileContext(file)).length;
      expect({ file: probe.file, text: probe.text, found: gated }).toEqual({ file: probe.file, text: probe.text, found: ungated });
    }
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
