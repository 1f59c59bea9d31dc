import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv4 from "ajv-draft-04";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

/**
 * Scan SARIF as GitHub code scanning takes it: valid against the SARIF 2.1.0 schema, and within GitHub's own
 * upload rules (docs "SARIF support for code scanning": a physical location per result with a relative URI that
 * names the file, a message, a rule id that resolves, the upload limits).
 */
const require = createRequire(import.meta.url);
const sarifSchema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json") as object;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface SarifLog {
  version: string;
  runs: Array<{
    tool: { driver: { name: string; rules: Array<{ id: string; properties?: { tags?: string[]; "security-severity"?: string } }> } };
    results: Array<{
      ruleId: string;
      ruleIndex?: number;
      message: { text?: string };
      locations?: Array<{ physicalLocation?: { artifactLocation?: { uri?: string; uriBaseId?: string }; region?: { startLine?: number } } }>;
    }>;
  }>;
}

/** GitHub's upload rules that the schema alone does not say; returns every broken rule, or []. */
function gitHubUploadProblems(log: SarifLog, root: string, files: string[]): string[] {
  const problems: string[] = [];
  if (log.version !== "2.1.0") problems.push("version must be 2.1.0");
  if (log.runs.length > 20) problems.push("at most 20 runs");
  for (const run of log.runs) {
    if (!run.tool.driver.name) problems.push("tool.driver.name is required");
    if (run.results.length > 25_000) problems.push("at most 25,000 results per run");
    if (run.tool.driver.rules.length > 25_000) problems.push("at most 25,000 rules per run");
    for (const rule of run.tool.driver.rules) {
      if ((rule.properties?.tags?.length ?? 0) > 20) problems.push(`${rule.id}: at most 20 tags`);
      const score = rule.properties?.["security-severity"];
      if (score !== undefined && !(Number(score) >= 0 && Number(score) <= 10)) problems.push(`${rule.id}: security-severity must be 0.0-10.0`);
    }
    for (const result of run.results) {
      if (!result.message.text) problems.push(`${result.ruleId}: message.text is required`);
      if (result.ruleIndex !== undefined && run.tool.driver.rules[result.ruleIndex]?.id !== result.ruleId)
        problems.push(`${result.ruleId}: ruleIndex does not resolve`);
      const location = result.locations?.[0]?.physicalLocation;
      const uri = location?.artifactLocation?.uri;
      if (!uri) {
        problems.push(`${result.ruleId}: results need a physical location with an artifact URI`);
        continue;
      }
      if (/^[a-z][a-z0-9+.-]*:/i.test(uri) && !uri.startsWith("file:")) problems.push(`${uri}: must be relative to the repository or file://`);
      if (!((location?.region?.startLine ?? 0) >= 1)) problems.push(`${uri}: region.startLine must be >= 1`);
      const resolved = decodeURIComponent(new URL(uri, `file://${root}/`).pathname).slice(root.length + 1);
      if (!files.includes(resolved)) problems.push(`${uri} resolves to "${resolved}", which is not a scanned file`);
    }
  }
  return problems;
}

describe("scan --format sarif for GitHub code scanning", () => {
  it("encodes each path segment, so file names with # ? % and spaces resolve to themselves", async () => {
    const root = mkdtempSync(join(tmpdir(), "rampart-sarif-"));
    dirs.push(root);
    const key = `sk-or-v1-${"a1b2c3d4".repeat(8)}`;
    const files = ["notes#1?.txt", "100% sure/keys;v=1.env", "dir with space/ü €.txt"];
    for (const f of files) {
      mkdirSync(join(root, f, ".."), { recursive: true });
      writeFileSync(join(root, f), `OPENROUTER_API_KEY=${key}\n`);
    }
    const r = await runCli(["scan", ".", "--format", "sarif", "--no-cache"], { cwd: root });
    expect(r.stderr).toBe("");
    const log = JSON.parse(r.stdout) as SarifLog;
    expect(log.runs[0]!.results.length).toBeGreaterThanOrEqual(files.length);
    const ajv = new (Ajv4 as unknown as typeof import("ajv").Ajv)({ allErrors: true, strict: false, unicodeRegExp: false });
    const validate = ajv.compile(sarifSchema);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(gitHubUploadProblems(log, root, files)).toEqual([]);
    expect(r.stdout).not.toContain(key);
  });

  it("the upload check itself catches a URI that resolves elsewhere and a result without a location", () => {
    const log: SarifLog = {
      version: "2.1.0",
      runs: [
        {
          tool: { driver: { name: "x", rules: [{ id: "r" }] } },
          results: [
            {
              ruleId: "r",
              message: { text: "m" },
              locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI("notes#1?.txt") }, region: { startLine: 1 } } }],
            },
            { ruleId: "r", message: { text: "m" } },
          ],
        },
      ],
    };
    expect(gitHubUploadProblems(log, "/repo", ["notes#1?.txt"])).toEqual([
      'notes#1?.txt resolves to "notes", which is not a scanned file',
      "r: results need a physical location with an artifact URI",
    ]);
  });
});
