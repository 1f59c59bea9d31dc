#!/usr/bin/env node
// Secret accuracy per rule family: `npm run accuracy` (run `npm run build` first; it reads dist/);
// `-- --only=corpus|agent|gitleaks` runs one part.
//  (a) the generated corpus (bench/secret-corpus.js): every secret rule's positive examples in 26 syntactic
//      contexts, and its single-line negatives in the named ones, through the real scan engine;
//  (b) the planted agent repository of test/scan/secrets/accuracy.test.ts (run through vitest);
//  (c) gitleaks' own rule samples, when a gitleaks checkout or git mirror is named by RAMPART_GITLEAKS_DIR:
//      the literal true- and false-positive strings of cmd/generate/config/rules/*.go (its generated samples
//      need gitleaks' Go generator and are not measured). Nothing of theirs is committed; offline it is skipped.
// Findings are scrypt-fingerprinted (~15 ms each), so (a) takes minutes; the machine's load shows in the time.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { corpusCases, flaggedBy, foundBy, layOut } from "./secret-corpus.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = (p) => join(root, "dist", p);
const { loadSecretRuleEntries, loadSecretRules } = await import(dist("scan/secrets/catalog.js"));
const { scanPaths } = await import(dist("scan/engine.js"));

const ratio = (a, b) => (b === 0 ? "–" : (a / b).toFixed(3));

async function scanTree(files) {
  const dir = mkdtempSync(join(tmpdir(), "rampart-accuracy-"));
  try {
    for (const [path, text] of files) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return await scanPaths({ cwd: dir, cache: false, categories: ["secret"] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function generatedCorpus() {
  const entries = loadSecretRuleEntries().map((e) => ({ entry: { ...e.entry, family: basename(e.file, ".yaml") } }));
  const { positives, negatives, skipped } = corpusCases(entries, loadSecretRules());
  const pos = layOut(positives, { perFile: 10 });
  const neg = layOut(negatives, { negative: true, perFile: 10 });
  const started = Date.now();
  const result = await scanTree(new Map([...pos.files, ...neg.files]));
  const families = new Map();
  const row = (f) => families.get(f) ?? families.set(f, { tp: 0, pos: 0, fp: 0, neg: 0 }).get(f);
  for (const p of pos.placements) {
    const r = row(p.case.family);
    r.pos++;
    if (foundBy(p, result.findings)) r.tp++;
  }
  for (const p of neg.placements) {
    const r = row(p.case.family);
    r.neg++;
    if (flaggedBy(p, result.findings)) r.fp++;
  }
  const missedByContext = new Map();
  for (const p of pos.placements.filter((p) => !foundBy(p, result.findings))) missedByContext.set(p.context, (missedByContext.get(p.context) ?? 0) + 1);
  return { families, skipped, seconds: (Date.now() - started) / 1000, overBudget: result.ruleErrors.filter((e) => /budget/.test(e)).length, missedByContext };
}

function plantedAgentRepo() {
  const run = spawnSync("npx", ["vitest", "run", "test/scan/secrets/accuracy.test.ts"], { cwd: root, encoding: "utf8" });
  const m = /secret accuracy: recall ([\d.]+) \((\d+)\/(\d+)\), precision ([\d.]+) \((\d+)\/(\d+)\)/.exec(run.stdout + run.stderr);
  return m ? `recall ${m[1]} (${m[2]}/${m[3]}), precision ${m[4]} (${m[5]}/${m[6]})` : "not measured (the test did not print its figures)";
}

/** Go string literals inside the tps/fps slices of gitleaks' rule files. */
function gitleaksSamples(dir) {
  const git = (...args) =>
    execFileSync("git", ["--git-dir", existsSync(join(dir, ".git")) ? join(dir, ".git") : dir, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
  const files = git("ls-tree", "--name-only", "HEAD", "cmd/generate/config/rules/")
    .split("\n")
    .filter((f) => f.endsWith(".go") && !f.endsWith("_test.go"));
  const tps = [];
  const fps = [];
  for (const file of files) {
    const source = git("show", `HEAD:${file}`);
    for (const m of source.matchAll(/\b(tps|fps)\s*(?::=|=)\s*(?:append\(\s*\w+\s*,|\[\]string\s*\{)([\s\S]*?)\n\t[})]/g)) {
      for (const lit of m[2].matchAll(/`([^`]*)`|"((?:[^"\\\n]|\\.)*)"/g)) {
        // A sample is a list element on its own line; a literal inside a call is a generator's argument, one
        // followed by `+` a fragment of a concatenation.
        if (!/(?:^|\n|\{)\s*$/.test(m[2].slice(0, lit.index)) || /^\s*\+/.test(m[2].slice(lit.index + lit[0].length))) continue;
        let text;
        try {
          text = lit[1] ?? JSON.parse(`"${lit[2]}"`);
        } catch {
          continue;
        }
        if (text.length >= 8) (m[1] === "tps" ? tps : fps).push({ file: basename(file, ".go"), text });
      }
    }
  }
  return { tps, fps };
}

async function gitleaksMeasure(dir) {
  const { tps, fps } = gitleaksSamples(dir);
  const files = new Map();
  for (const [i, s] of tps.entries()) files.set(`tp/${s.file}-${i}.txt`, `${s.text}\n`);
  for (const [i, s] of fps.entries()) files.set(`fp/${s.file}-${i}.txt`, `${s.text}\n`);
  const result = await scanTree(files);
  const flagged = new Set(result.findings.map((f) => f.path));
  const gated = new Set(result.findings.filter((f) => ["high", "critical"].includes(f.severity)).map((f) => f.path));
  const count = (prefix, set) => [...files.keys()].filter((p) => p.startsWith(prefix) && set.has(p)).length;
  return {
    tps: tps.length,
    fps: fps.length,
    tpFound: count("tp/", flagged),
    tpGated: count("tp/", gated),
    fpFlagged: count("fp/", flagged),
    fpGated: count("fp/", gated),
  };
}

const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7);
if (!only || only === "corpus") {
  const a = await generatedCorpus();
  console.log(
    `(a) generated corpus: ${a.seconds.toFixed(0)} s, ${a.skipped} multi-line examples left out, ${a.overBudget} files over the per-file time budget`,
  );
  console.log("| family | positives | recall | negatives | flagged | precision |");
  console.log("|---|---:|---:|---:|---:|---:|");
  let total = { tp: 0, pos: 0, fp: 0, neg: 0 };
  for (const [family, r] of [...a.families].sort()) {
    console.log(`| ${family} | ${r.pos} | ${ratio(r.tp, r.pos)} | ${r.neg} | ${r.fp} | ${ratio(r.tp, r.tp + r.fp)} |`);
    total = { tp: total.tp + r.tp, pos: total.pos + r.pos, fp: total.fp + r.fp, neg: total.neg + r.neg };
  }
  console.log(`| **all** | ${total.pos} | ${ratio(total.tp, total.pos)} | ${total.neg} | ${total.fp} | ${ratio(total.tp, total.tp + total.fp)} |`);
  console.log(
    `missed by context: ${
      [...a.missedByContext]
        .sort((x, y) => y[1] - x[1])
        .map(([c, n]) => `${c} ${n}`)
        .join(", ") || "none"
    }`,
  );
}
if (!only || only === "agent") console.log(`(b) planted agent repository: ${plantedAgentRepo()}`);
const gitleaksDir = process.env.RAMPART_GITLEAKS_DIR;
if ((!only || only === "gitleaks") && gitleaksDir && existsSync(gitleaksDir)) {
  const g = await gitleaksMeasure(gitleaksDir);
  console.log(
    `(c) gitleaks' literal rule samples: recall ${ratio(g.tpFound, g.tps)} (${g.tpFound}/${g.tps}; at or above the default gate ${ratio(g.tpGated, g.tps)}), negatives flagged ${ratio(g.fpFlagged, g.fps)} (${g.fpFlagged}/${g.fps}; at the gate ${ratio(g.fpGated, g.fps)})`,
  );
} else if (!only || only === "gitleaks") {
  console.log("(c) gitleaks' rule samples: skipped (set RAMPART_GITLEAKS_DIR to a gitleaks checkout or git mirror)");
}
