import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type RegexSite, ROOT, RULE_FOLDERS, ruleRegexes, sourceRegexLiterals } from "../support/regex-inventory.js";
import { judgeRegex, verdictKey } from "../support/regex-safety.js";

/**
 * Every regex that sees untrusted input must be free of catastrophic backtracking (issue 15): all regexes in
 * rules/ (detect, secrets, misconfig, audit; allow-lists and prefilters included), the repository's own
 * customRules, and every regex literal in src/ (they see requests, log lines and the scanned repository's files). A new unsafe pattern fails here,
 * named by file, rule id, field and pattern.
 *
 * recheck takes up to seconds per pattern (30 s at most), so verdicts of unchanged patterns come from a cache
 * keyed by a hash of (checker version, flags, pattern): any edit to a pattern re-checks it. The cache only ever
 * holds patterns found safe: the committed test/rules/regex-safety.cache.json, plus a local one under
 * node_modules/.cache that every run adds to (so a new rule is checked once per checkout, not on every run).
 * `RAMPART_REGEX_SAFETY=full` ignores both; `RAMPART_REGEX_SAFETY=update` also rewrites the committed one with
 * every pattern now proven safe (run that after adding or changing patterns, and commit the file).
 */
const CACHE_FILE = join(import.meta.dirname, "regex-safety.cache.json");
const LOCAL_CACHE_FILE = join(ROOT, "node_modules", ".cache", "rampart", "regex-safety.json");
const CHECKER = `recheck@${(createRequire(import.meta.url)("recheck/package.json") as { version: string }).version}`;
const mode = process.env.RAMPART_REGEX_SAFETY ?? "cached";
const cache = new Set([...loadCache(CACHE_FILE), ...loadCache(LOCAL_CACHE_FILE)]);
const provenSafe = new Map<string, string>();

const { sites: ruleSites, unknownFolders } = ruleRegexes();
const sourceLiterals = sourceRegexLiterals(join(ROOT, "src"));
/**
 * `RAMPART_REGEX_SAFETY_SHARD=k/n` judges only every n-th pattern from the k-th (recheck uses one core per
 * process: n processes fill n cores when many new patterns need checking); shards merge into the caches.
 */
const shard = /^(\d+)\/(\d+)$/.exec(process.env.RAMPART_REGEX_SAFETY_SHARD ?? "");
const inShard = <T>(_site: T, index: number) => !shard || index % Number(shard[2]) === Number(shard[1]);

describe("regex inventory", () => {
  it("knows where every rules/ folder keeps its regexes", () => {
    expect(unknownFolders, `add an extractor for rules/${unknownFolders.join(", rules/")} to RULE_FOLDERS in test/support/regex-inventory.ts`).toEqual([]);
    expect(Object.keys(RULE_FOLDERS).sort()).toEqual(["audit", "detect", "misconfig", "secrets"]);
  });

  it("finds the regexes of each kind (an extractor that silently finds nothing would check nothing)", () => {
    const count = (prefix: string) => ruleSites.filter((s) => s.file.startsWith(prefix)).length;
    expect(count("rules/detect/")).toBeGreaterThanOrEqual(20);
    expect(count("rules/secrets/")).toBeGreaterThanOrEqual(20);
    expect(count("rules/misconfig/")).toBeGreaterThanOrEqual(5);
    expect(ruleSites.some((s) => s.field === "allow")).toBe(true);
    for (const file of ["src/detect/log-formats.ts", "src/scan/inline-ignores.ts", "src/scan/misconfig/parsers/dotenv.ts"])
      expect(
        sourceLiterals.some((s) => s.file === file),
        file,
      ).toBe(true);
  });
});

describe("the safety check itself", () => {
  it("rejects the exponential UNION/**/SELECT pattern of issue 15 and a quadratic lookbehind secret pattern", async () => {
    const union = await judgeRegex("\\bunion(\\s|/\\*.*\\*/)+(all\\s+)?select\\b", "i");
    expect(union.safe, union.reason).toBe(false);
    const quadratic = await judgeRegex("(?<=[\"']?secrets[\"']?\\s*:\\s*\\{[^{}]*)[\"']?[A-Za-z0-9_]+[\"']?\\s*:\\s*[\"'](?<secret>[^\"'\\s]{8,})[\"']", "");
    expect(quadratic.safe, quadratic.reason).toBe(false);
  }, 60_000);

  it("accepts a bounded-repeat token pattern that recheck alone would flag", async () => {
    const verdict = await judgeRegex("\\b(?<secret>[MNO][A-Za-z0-9_-]{23,25}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38})\\b", "");
    expect(verdict.safe, verdict.reason).toBe(true);
  }, 60_000);
});

describe("no catastrophic backtracking", () => {
  const name = (s: RegexSite) => `${s.file} ${s.where} ${s.field}: /${s.pattern}/${s.flags}`;
  it.each([...ruleSites, ...sourceLiterals].filter(inShard).map((s) => [name(s), s] as const))("%s", async (_name, site) => expectSafe(site), 120_000);
});

afterAll(() => {
  mkdirSync(dirname(LOCAL_CACHE_FILE), { recursive: true });
  writeFileSync(LOCAL_CACHE_FILE, cacheText(LOCAL_CACHE_FILE));
  // A whole run rewrites the committed cache to exactly today's patterns; a shard adds to it.
  if (mode === "update") writeFileSync(CACHE_FILE, shard ? cacheText(CACHE_FILE) : cacheText());
});

function cacheText(mergeWith?: string): string {
  const entries = new Map(mergeWith ? loadCacheEntries(mergeWith) : []);
  for (const [key, where] of provenSafe) entries.set(key, where);
  const safe = Object.fromEntries([...entries].sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify({ checker: CHECKER, safe }, null, 2) + "\n";
}

async function expectSafe(site: RegexSite): Promise<void> {
  const key = verdictKey(site.pattern, site.flags, CHECKER);
  if (mode !== "full" && cache.has(key)) {
    provenSafe.set(key, `${site.file} ${site.where}`);
    return;
  }
  const verdict = await judgeRegex(site.pattern, site.flags);
  if (verdict.safe) provenSafe.set(key, `${site.file} ${site.where}`);
  expect(verdict.safe, `${site.file}: rule ${site.where}, ${site.field} /${site.pattern}/${site.flags} can backtrack catastrophically: ${verdict.reason}`).toBe(
    true,
  );
}

function loadCache(file: string): Set<string> {
  return new Set(loadCacheEntries(file).map(([key]) => key));
}

function loadCacheEntries(file: string): Array<[string, string]> {
  if (!existsSync(file)) return [];
  const data = JSON.parse(readFileSync(file, "utf8")) as { checker?: string; safe?: Record<string, string> };
  return data.checker === CHECKER ? Object.entries(data.safe ?? {}) : [];
}
