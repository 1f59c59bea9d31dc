#!/usr/bin/env node
// Secret accuracy per rule family: `npm run accuracy` (run `npm run build` first; it reads dist/);
// `-- --only=corpus|agent|peers` runs one part.
//  (a) the generated corpus (bench/secret-corpus.js): every secret rule's positive examples in 31 syntactic
//      contexts, and its single-line negatives in the named ones, through the real scan engine;
//  (b) the planted agent repository of test/scan/secrets/accuracy.test.ts (run through vitest);
//  (c) other scanners' own rule samples (bench/peer-samples.js: gitleaks, Betterleaks, Kingfisher, secretlint),
//      from the checkouts or git mirrors named by RAMPART_{GITLEAKS,BETTERLEAKS,KINGFISHER,SECRETLINT}_DIR.
//      Nothing of theirs is committed; without them this part is skipped.
// Findings are scrypt-fingerprinted (~15 ms each), so (a) takes minutes; the machine's load shows in the time.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { peerSamples } from "./peer-samples.js";
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

/** Each peer sample alone in a file (secretlint's under their own file names), through the real scan engine. */
async function peerMeasure() {
  const { samples, sources } = peerSamples();
  if (samples.length === 0) return undefined;
  const files = new Map();
  samples.forEach((s, i) => {
    s.path = s.fileName ? `s${i}/${s.fileName}` : `s${i}.txt`;
    files.set(s.path, `${s.text}\n`);
  });
  const started = Date.now();
  const result = await scanTree(files);
  const flagged = new Set(result.findings.map((f) => f.path));
  const gated = new Set(result.findings.filter((f) => ["high", "critical"].includes(f.severity)).map((f) => f.path));
  const rows = new Map();
  const row = (key) => rows.get(key) ?? rows.set(key, { tp: 0, found: 0, gated: 0, fp: 0, flagged: 0 }).get(key);
  const missedFamilies = new Map();
  const missedContexts = new Map();
  for (const s of samples) {
    for (const r of [row(s.source), row("all")]) {
      if (s.kind === "tp") {
        r.tp += 1;
        r.found += flagged.has(s.path) ? 1 : 0;
        r.gated += gated.has(s.path) ? 1 : 0;
      } else {
        r.fp += 1;
        r.flagged += flagged.has(s.path) ? 1 : 0;
      }
    }
    if (s.kind !== "tp" || flagged.has(s.path)) continue;
    const family = `${s.source.split(" ")[0]}:${s.family}`;
    missedFamilies.set(family, (missedFamilies.get(family) ?? 0) + 1);
    if (s.source.endsWith("generated")) missedContexts.set(s.context, (missedContexts.get(s.context) ?? 0) + 1);
  }
  return { sources, rows, missedFamilies, missedContexts, seconds: (Date.now() - started) / 1000 };
}

function printPeers(p) {
  console.log(
    `(c) other scanners' rule samples (${p.sources.map((s) => `${s.name} ${s.commit}${s.unsupported ? `, ${s.unsupported} generator calls not understood` : ""}`).join("; ")}), ${p.seconds.toFixed(0)} s:`,
  );
  console.log("| source | true positives | recall | at the default gate | negatives | flagged |");
  console.log("|---|---:|---:|---:|---:|---:|");
  const bySource = [...p.rows].filter(([source]) => source !== "all");
  for (const [source, r] of [...bySource, ["all", p.rows.get("all")]])
    console.log(
      `| ${source === "all" ? "**all**" : source} | ${r.tp} | ${ratio(r.found, r.tp)} | ${ratio(r.gated, r.tp)} | ${r.fp} | ${ratio(r.flagged, r.fp)} |`,
    );
  const top = (m, n) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ") || "none";
  console.log(`most missed families: ${top(p.missedFamilies, 25)}`);
  console.log(`generated samples missed by context: ${top(p.missedContexts, 26)}`);
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
if (!only || only === "peers") {
  const p = await peerMeasure();
  if (p) printPeers(p);
  else
    console.log(
      "(c) other scanners' rule samples: skipped (set RAMPART_GITLEAKS_DIR, RAMPART_BETTERLEAKS_DIR, RAMPART_KINGFISHER_DIR or RAMPART_SECRETLINT_DIR)",
    );
}
