import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  CONTEXTS,
  type CorpusCase,
  type CorpusContext,
  contextsFor,
  corpusCases,
  flaggedBy,
  foundBy,
  layOut,
  type Placement,
} from "../../../bench/secret-corpus.js";
import { scanPaths } from "../../../src/scan/engine.js";
import { loadSecretRuleEntries, loadSecretRules } from "../../../src/scan/secrets/catalog.js";
import { isPlaceholder } from "../../../src/scan/secrets/placeholder.js";

/**
 * The generated corpus (bench/secret-corpus.js) through the real scan engine: each secret rule's token in the
 * syntactic contexts secrets are written in (`=`, `:`, Go `:=` and `var x string =`, Make `:=`/`?=`, PHP `.=`
 * and `=>`, setProperty, XML, Authorization and X-Api-Key headers, CLI flags, YAML, TOML, JSON, HCL, shell
 * export, code). The whole matrix (every example in every context) runs against each provider rule's own
 * check; through the engine, where every finding costs a scrypt fingerprint (~15 ms), each rule's first
 * example gets one context, rotating so that every context gets its share of rules. `npm run accuracy` runs
 * the whole matrix through the engine and prints recall and precision per family.
 */
const entries = loadSecretRuleEntries().map((e) => ({ entry: { ...e.entry, family: basename(e.file, ".yaml") } }));
const rules = loadSecretRules();
const { positives, negatives } = corpusCases(entries, rules);

function firstPerRule(cases: CorpusCase[]): CorpusCase[] {
  const seen = new Set<string>();
  return cases.filter((c) => !seen.has(c.rule) && seen.add(c.rule));
}

/** `perCase` contexts per case, picked by rotation among the contexts that fit it. */
const rotate = (perCase: number) => (fits: CorpusContext[], i: number) => [
  ...new Set(Array.from({ length: Math.min(perCase, fits.length) }, (_, k) => fits[(i * 7 + k * 11) % fits.length]!)),
];

async function scan(files: Map<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "rampart-corpus-"));
  for (const [path, text] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return scanPaths({ cwd: dir, cache: false, categories: ["secret"] });
}

describe("every secret rule's token in the common syntactic contexts", () => {
  it("has cases for nearly every rule and all 31 contexts", () => {
    expect(CONTEXTS).toHaveLength(31);
    expect(new Set(positives.map((c) => c.rule)).size).toBeGreaterThan(entries.length * 0.9);
  });

  it("each provider rule finds its tokens in every context, and none of its negatives", () => {
    const own = new Map(entries.map(({ entry }, i) => [entry.id, rules[i]!]));
    const missed: string[] = [];
    const flagged: string[] = [];
    for (const c of positives.filter((p) => !p.generic)) {
      for (const ctx of contextsFor(c)) {
        if (own.get(c.rule)!.check({ path: ctx.file, text: `${ctx.render(c.name, c.value)}\n` }).length === 0) missed.push(`${c.rule} in ${ctx.id}`);
      }
    }
    for (const c of negatives) {
      for (const ctx of contextsFor(c, true)) {
        // As the engine does: a placeholder (`xxxx`, `<token>`) is never a finding, whichever rule matched.
        const reports = own
          .get(c.rule)!
          .check({ path: ctx.file, text: `${ctx.render(c.name, c.value)}\n` })
          .filter((r) => r.secret === undefined || !isPlaceholder(r.secret));
        if (reports.length > 0) flagged.push(`${c.rule} in ${ctx.id}: ${c.name}=${c.value}`);
      }
    }
    expect(positives.filter((p) => !p.generic).length).toBeGreaterThan(300);
    expect(missed).toEqual([]);
    expect(flagged).toEqual([]);
  });

  it("finds each positive with its own rule (or an as specific one on the same span) and flags no negative", { timeout: 120_000 }, async () => {
    const pos = layOut(firstPerRule(positives), { perFile: 5, pick: rotate(1) });
    const neg = layOut(firstPerRule(negatives), { negative: true, perFile: 5, pick: rotate(1) });
    expect(new Set(pos.placements.map((p) => p.context)).size).toBe(CONTEXTS.length);
    const result = await scan(new Map([...pos.files, ...neg.files]));
    // A file whose checks ran over the per-file time budget (a loaded CI machine) had rules skipped: its
    // placements prove nothing either way. Nearly all must have been judged.
    const overBudget = new Set(result.ruleErrors.filter((e) => /budget/.test(e)).map((e) => e.slice(0, e.indexOf(": "))));
    const judged = (p: Placement) => !overBudget.has(p.path);
    expect(pos.placements.filter(judged).length).toBeGreaterThan(pos.placements.length * 0.9);
    const missed = pos.placements.filter((p) => judged(p) && !foundBy(p, result.findings)).map((p) => `${p.case.rule} in ${p.context}`);
    const flagged = neg.placements
      .filter((p) => judged(p) && flaggedBy(p, result.findings))
      .map((p) => `${p.case.rule} in ${p.context}: ${p.case.name}=${p.case.value}`);
    expect(missed).toEqual([]);
    expect(flagged).toEqual([]);
  });
});
