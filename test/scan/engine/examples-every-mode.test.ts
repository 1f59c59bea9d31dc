import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMisconfigRuleDefinitions } from "../../../src/scan/misconfig/catalog.js";
import { loadScanRules } from "../../../src/scan/registry.js";
import type { RuleExample } from "../../../src/scan/rule.js";
import { loadSecretRuleEntries } from "../../../src/scan/secrets/catalog.js";
import { runCli } from "../../support/cli.js";
import { tempDir } from "./fixtures.js";

/**
 * Acceptance: every rule's own positive and negative examples, as files of one real git repository, found
 * (or not) by the real CLI in every mode: a directory scan, --diff, --staged and --git-history. All examples
 * share one repository and one CLI run per mode, so this stays fast as the catalog grows.
 */
interface Placed {
  ruleId: string;
  positive: boolean;
  path: string;
  line?: number;
}

const examples: Placed[] = [];
let repo: ReturnType<typeof tempDir>;
let cacheHome: ReturnType<typeof tempDir>;
const results: Record<string, Array<{ ruleId: string; path: string; line: number }>> = {};

function git(...args: string[]): string {
  return execFileSync("git", args, {
    cwd: repo.dir,
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_NAME: "A", GIT_AUTHOR_EMAIL: "a@example.com", GIT_COMMITTER_NAME: "A", GIT_COMMITTER_EMAIL: "a@example.com" },
  });
}

function write(rel: string, text: string): void {
  mkdirSync(dirname(join(repo.dir, rel)), { recursive: true });
  writeFileSync(join(repo.dir, rel), text);
}

/** Each example in a directory of its own (its `tree` files beside it); workflows where GitHub runs them. */
function place(ruleId: string, positive: boolean, index: number, example: RuleExample & { tree?: string[] }): void {
  const file = example.file ?? "example.txt";
  const tag = `${positive ? "p" : "n"}${index}`;
  const workflow = /^\.github\/workflows\/[^/]+$/.exec(file);
  const dir = `ex/${ruleId}/${tag}`;
  const path = workflow ? `.github/workflows/${ruleId}--${tag}${file.slice(file.lastIndexOf("."))}` : `${dir}/${file}`;
  write(path, example.text);
  for (const other of example.tree ?? []) if (other !== file) write(`${dir}/${other}`, "");
  examples.push({ ruleId, positive, path, ...(example.line !== undefined ? { line: example.line } : {}) });
}

async function scanJson(args: string[]): Promise<Array<{ ruleId: string; path: string; line: number }>> {
  const result = await runCli(["scan", ...args, "--format", "json", "--fail-on", "critical"], { cwd: repo.dir, env: { XDG_CACHE_HOME: cacheHome.dir } });
  expect(result.code, result.stderr).not.toBe(2);
  expect(result.stderr).not.toMatch(/rule error/);
  return (JSON.parse(result.stdout) as { findings: Array<{ ruleId: string; path: string; line: number }> }).findings;
}

beforeAll(async () => {
  repo = tempDir();
  cacheHome = tempDir();
  const asExample = (e: string | RuleExample): RuleExample => (typeof e === "string" ? { text: e } : e);
  for (const { entry } of loadSecretRuleEntries()) {
    for (const [i, e] of (entry.examples?.positive ?? []).entries()) place(entry.id, true, i, asExample(e));
    for (const [i, e] of (entry.examples?.negative ?? []).entries()) place(entry.id, false, i, asExample(e));
  }
  for (const definition of loadMisconfigRuleDefinitions()) {
    for (const [i, e] of definition.positive.entries()) place(definition.rule.meta.id, true, i, e);
    for (const [i, e] of definition.negative.entries()) place(definition.rule.meta.id, false, i, e);
  }
  git("init", "-q", "-b", "main");
  git("commit", "-q", "--allow-empty", "-m", "root");
  git("add", "-A");
  results.staged = await scanJson(["--staged"]);
  git("commit", "-q", "-m", "every rule's examples");
  // The three committed-tree modes read the same repository and write nothing to it: run them side by side.
  [results.directory, results.diff, results.history] = await Promise.all([scanJson(["."]), scanJson(["--diff", "HEAD~1"]), scanJson(["--git-history"])]);
}, 300_000);

afterAll(() => {
  repo.cleanup();
  cacheHome.cleanup();
});

describe("every rule's examples through the CLI, in every mode", () => {
  it("places examples of every rule that carries them", () => {
    const withExamples = new Set(examples.map((e) => e.ruleId));
    const catalog = loadScanRules()
      .filter((r) => !r.meta.id.startsWith("secretlint-"))
      .map((r) => r.meta.id);
    expect(catalog.filter((id) => !withExamples.has(id))).toEqual([]);
  });

  for (const mode of ["directory", "diff", "staged", "history"]) {
    it(`${mode}: finds each positive (on its line) and no negative`, () => {
      const found = results[mode]!;
      const byPath = new Map<string, Array<{ ruleId: string; line: number }>>();
      for (const f of found) byPath.set(f.path, [...(byPath.get(f.path) ?? []), f]);
      const missed: string[] = [];
      const wrong: string[] = [];
      for (const example of examples) {
        const hits = (byPath.get(example.path) ?? []).filter((f) => f.ruleId === example.ruleId);
        if (example.positive && (hits.length === 0 || (example.line !== undefined && !hits.some((h) => h.line === example.line))))
          missed.push(`${example.path} (line ${example.line ?? "any"}; got ${hits.map((h) => h.line).join(",") || "nothing"})`);
        if (!example.positive && hits.length > 0) wrong.push(`${example.path}: line ${hits.map((h) => h.line).join(",")}`);
      }
      expect({ missed, wrong }).toEqual({ missed: [], wrong: [] });
    });
  }
});
