import { createRequire } from "node:module";
import Ajv4 from "ajv-draft-04";
import { describe, expect, it } from "vitest";
import type { Finding, RuleMeta } from "../../src/core/finding.js";
import { formatReport, parseFormat } from "../../src/report/format.js";
import { FORMATS, type Report, summarize } from "../../src/report/report.js";

const require = createRequire(import.meta.url);
const sarifSchema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json") as object;

const rules: RuleMeta[] = [
  {
    id: "openrouter-api-key",
    category: "secret",
    severity: "high",
    description: "OpenRouter API key",
    source: "rules/secrets/llm.yaml",
    remediation: "Revoke the key.",
    references: ["CWE-798"],
  },
  { id: "gha-write-all", category: "misconfig", severity: "medium", description: "Workflow token can write everything", source: "rampart" },
];

function finding(overrides: Partial<Finding>): Finding {
  return {
    ruleId: "openrouter-api-key",
    category: "secret",
    severity: "high",
    path: "config/.env",
    line: 3,
    column: 19,
    endLine: 3,
    endColumn: 91,
    message: "OpenRouter API key",
    redacted: "sk-or…Q3xA",
    fingerprint: "0123456789abcdef01234567",
    ...overrides,
  };
}

function report(findings: Finding[], kind: Report["kind"] = "scan"): Report {
  return {
    tool: { name: "rampart", version: "0.1.0" },
    kind,
    findings,
    rules,
    summary: summarize(findings, "high", 12, [{ path: "logo.png", reason: "binary" }]),
  };
}

const mixed = report([
  finding({}),
  finding({
    ruleId: "gha-write-all",
    category: "misconfig",
    severity: "medium",
    path: '.github/workflows/ci, "odd".yml',
    line: 1,
    column: 1,
    endLine: 1,
    message: "permissions: write-all <on> & everything\nsecond line",
    redacted: undefined,
    fingerprint: "fedcba9876543210fedcba98",
  }),
  finding({ ruleId: "unlisted-rule", severity: "critical", commit: "a".repeat(40), author: "Mallory", date: "2026-01-02T03:04:05Z" }),
]);

describe("formatReport", () => {
  it("sarif validates against the official SARIF 2.1.0 schema", () => {
    // ajv-draft-04 is CommonJS: its default import is the class at run time, which its types do not say.
    const ajv = new (Ajv4 as unknown as typeof import("ajv").Ajv)({ allErrors: true, strict: false, unicodeRegExp: false });
    const validate = ajv.compile(sarifSchema);
    for (const r of [mixed, report([]), report([finding({ category: "audit", path: "acme/api" })], "audit")]) {
      const log = JSON.parse(formatReport("sarif", r));
      const valid = validate(log);
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    }
    const broken = JSON.parse(formatReport("sarif", mixed));
    broken.runs[0].results[0].level = "fatal";
    expect(validate(broken)).toBe(false);
  });

  it("sarif indexes every result's rule, including rules missing from the list", () => {
    const log = JSON.parse(formatReport("sarif", mixed));
    const run = log.runs[0];
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    expect(run.results[0].partialFingerprints["rampart/v1"]).toBe("0123456789abcdef01234567");
    expect(run.results[0].locations[0].physicalLocation.region).toMatchObject({ startLine: 3, startColumn: 19 });
  });

  it("json has tool, findings and summary", () => {
    const json = JSON.parse(formatReport("json", mixed));
    expect(json.tool).toEqual({ name: "rampart", version: "0.1.0" });
    expect(json.findings).toHaveLength(3);
    expect(json.summary).toMatchObject({ total: 3, failing: 2, gate: "high", scanned: 12 });
    expect(json.summary.bySeverity).toMatchObject({ critical: 1, high: 1, medium: 1 });
  });

  it("junit marks findings at the gate as failures and escapes XML", () => {
    const xml = formatReport("junit", mixed);
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml.match(/<failure /g)).toHaveLength(2);
    expect(xml).toContain("&lt;on&gt; &amp; everything");
    expect(xml).not.toMatch(/<on>/);
    expect(formatReport("junit", report([]))).toContain("no findings");
  });

  it("github annotations escape data and properties", () => {
    const out = formatReport("github", mixed).split("\n");
    expect(out[0]).toBe("::error file=config/.env,line=3,endLine=3,col=19,title=openrouter-api-key (high)::OpenRouter API key [sk-or…Q3xA]");
    expect(out[1]).toContain('file=.github/workflows/ci%2C "odd".yml');
    expect(out[1]).toContain("%0Asecond line");
    expect(out[1]!.startsWith("::warning ")).toBe(true);
    const audit = formatReport("github", report([finding({ category: "audit", path: "acme/api" })], "audit"));
    expect(audit).not.toContain("file=");
    expect(audit).toContain("::acme/api: OpenRouter API key");
  });

  it("text puts path:line:col first, colours only when asked, and summarises the gate", () => {
    const plain = formatReport("text", mixed, { color: false });
    expect(plain).toContain("config/.env:3:19  high      openrouter-api-key  OpenRouter API key  sk-or…Q3xA");
    expect(plain).toContain("(commit aaaaaaaaaaaa by Mallory on 2026-01-02T03:04:05Z)");
    expect(plain).toContain("3 findings (1 critical, 1 high, 1 medium) in 12 files; 2 at or above --fail-on high");
    expect(plain).toContain("1 skipped");
    expect(plain).not.toContain("\u001b[");
    expect(formatReport("text", mixed, { color: true })).toContain("\u001b[");
    expect(formatReport("text", report([]), { color: false })).toContain("no findings (12 files checked)");
  });

  it("markdown summarises counts and the top findings, redacted", () => {
    const md = formatReport("markdown", mixed);
    expect(md).toContain("### Rampart scan: ❌ 2 findings at or above `high`");
    expect(md).toContain("| critical | 1 |");
    expect(md).toContain("`sk-or…Q3xA`");
    expect(md.indexOf("unlisted-rule")).toBeLessThan(md.indexOf("gha-write-all"));
    expect(md).toContain('ci, "odd".yml');
    expect(formatReport("markdown", report([]))).toContain("✅ nothing at or above `high`");
  });

  it("rejects an unknown format with the list of valid ones", () => {
    expect(() => parseFormat("xml")).toThrow(/use one of text, json, sarif, junit, github, markdown/);
    for (const f of FORMATS) expect(parseFormat(f)).toBe(f);
  });
});
