#!/usr/bin/env node
// Scan bench: rampart scan vs the secretlint 13 CLI (recommended preset) vs ripgrep over the rules' keywords,
// on ~130 MB of real third-party code copied out of node_modules. Run through `npm run bench` (builds nothing:
// run `npm run build` first so dist/ is current).
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const corpus = join(root, "bench", ".corpus");
const work = join(root, "bench", ".work");
const TARGET_BYTES = Number(process.env.RAMPART_BENCH_MB ?? 130) * 1024 * 1024;
const TEXT = /\.(c?js|mjs|ts|cts|mts|tsx|jsx|json|md|markdown|ya?ml|txt|d\.ts|css|html|sh)$/i;
const MAX_FILE = 1024 * 1024;
/** Bumped when what goes into the corpus changes, so an older corpus is rebuilt. */
const CORPUS_LAYOUT = 2;

function buildCorpus() {
  const marker = join(corpus, ".bench-corpus.json");
  if (existsSync(marker)) {
    const info = JSON.parse(readFileSync(marker, "utf8"));
    if (info.target === TARGET_BYTES && info.layout === CORPUS_LAYOUT) return info;
  }
  rmSync(corpus, { recursive: true, force: true });
  const sources = [];
  collect(join(root, "node_modules"), sources);
  if (sources.length === 0) throw new Error("node_modules is empty; run npm ci first");
  let bytes = 0;
  let files = 0;
  // Repeat the packages under copy-N/ until the corpus reaches the target size.
  for (let copy = 1; bytes < TARGET_BYTES; copy++) {
    for (const src of sources) {
      if (bytes >= TARGET_BYTES) break;
      // Nested node_modules are renamed: every scanner prunes that name, and the bench wants the code scanned.
      const rel = relative(join(root, "node_modules"), src.path).split("/node_modules/").join("/nm/");
      const dest = join(corpus, `copy-${copy}`, rel);
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(src.path, dest);
      bytes += src.size;
      files++;
    }
  }
  const info = { target: TARGET_BYTES, layout: CORPUS_LAYOUT, bytes, files };
  writeFileSync(marker, JSON.stringify(info));
  return info;
}

function collect(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      // Tool output, not package code: caches, the bin links, and the test runner's cache some checkouts keep here.
      if (e.name !== ".cache" && e.name !== ".bin" && e.name !== ".vitest-cache") collect(path, out);
    } else if (e.isFile() && TEXT.test(e.name) && !/\.min\.js$/.test(e.name) && !e.name.startsWith(".")) {
      const size = statSync(path).size;
      if (size > 0 && size <= MAX_FILE) out.push({ path, size });
    }
  }
}

/** Runs a command under /usr/bin/time for wall time and peak RSS. */
function timed(label, command, args, cwd) {
  const timeFile = join(work, `${label}.time`);
  const hasTime = existsSync("/usr/bin/time");
  const started = performance.now();
  const result = hasTime
    ? spawnSync("/usr/bin/time", ["-f", "%e %M", "-o", timeFile, command, ...args], { cwd, encoding: "utf8", maxBuffer: 1 << 30 })
    : spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 1 << 30 });
  const wall = (performance.now() - started) / 1000;
  let rssMb;
  if (hasTime && existsSync(timeFile)) rssMb = Number(readFileSync(timeFile, "utf8").trim().split(/\s+/).pop()) / 1024;
  if (result.status !== 0 && result.status !== 1) {
    console.error(`${label} exited ${result.status}: ${(result.stderr ?? "").slice(0, 500)}`);
  }
  return { label, wall, rssMb, status: result.status };
}

async function main() {
  mkdirSync(work, { recursive: true });
  const dist = join(root, "dist", "scan", "registry.js");
  if (!existsSync(dist)) throw new Error("dist/ is missing: run `npm run build` first");
  console.log(`building corpus in ${relative(root, corpus)} ...`);
  const info = buildCorpus();
  const mb = info.bytes / 1024 / 1024;
  console.log(`corpus: ${info.files} files, ${mb.toFixed(1)} MB`);

  const { loadScanRules } = await import(dist);
  const rules = loadScanRules();
  const keywords = [...new Set(rules.flatMap((r) => r.meta.keywords ?? []).map((k) => k.toLowerCase()))];
  const alwaysOn = rules.filter((r) => !r.meta.keywords || r.meta.keywords.length === 0).length;
  writeFileSync(join(work, "keywords.txt"), `${keywords.join("\n")}\n`);
  writeFileSync(join(corpus, ".secretlintrc.json"), JSON.stringify({ rules: [{ id: "@secretlint/secretlint-rule-preset-recommend" }] }));
  const preset = await import("@secretlint/secretlint-rule-preset-recommend");
  const secretlintRules = preset.creator.rules.filter((r) => r.meta.type === "scanner").length;

  const bin = join(root, "dist", "cli", "main.js");
  const cacheDir = join(corpus, ".rampart-cache");
  const rampart = (label, output, extra = []) =>
    timed(label, process.execPath, [bin, "scan", corpus, "--format", "json", "--output", join(work, output), ...extra], root);
  // secretlint first, so the rescan cache rampart writes inside the corpus is not part of its input.
  rmSync(cacheDir, { recursive: true, force: true });
  const sl = timed(
    "secretlint 13 CLI (recommended preset)",
    join(root, "node_modules", ".bin", "secretlint"),
    ["**/*", "--format", "json", "--output", join(work, "secretlint.json")],
    corpus,
  );
  const secrets = rampart("rampart scan --category secret (same job as secretlint)", "rampart-secret.json", ["--category", "secret", "--no-cache"]);
  const cold = rampart("rampart scan (all rules, cold: no cache)", "rampart.json", ["--no-cache"]);
  rampart("(cache priming run, not reported)", "rampart-prime.json");
  const warm = rampart("rampart scan (all rules, rescan from cache)", "rampart-warm.json");
  rmSync(cacheDir, { recursive: true, force: true });
  const rg = timed("ripgrep over the rules' keywords", "rg", ["-c", "-i", "-F", "-f", join(work, "keywords.txt"), "."], corpus);
  const runs = [secrets, cold, warm, sl, rg];

  const rampartFindings = JSON.parse(readFileSync(join(work, "rampart.json"), "utf8"));
  const secretRules = rules.filter((r) => r.meta.category === "secret").length;
  console.log("");
  console.log(`| tool | wall (s) | MB/s | peak RSS (MB) |`);
  console.log(`|---|---:|---:|---:|`);
  for (const r of runs) {
    const failed = r.status !== 0 && r.status !== 1;
    console.log(
      `| ${r.label}${failed ? ` (FAILED, exit ${r.status})` : ""} | ${r.wall.toFixed(2)} | ${(mb / r.wall).toFixed(1)} | ${r.rssMb ? r.rssMb.toFixed(0) : "n/a"} |`,
    );
  }
  console.log("");
  console.log(
    `rules: rampart ${rules.length} (${secretRules} secret, ${rules.length - secretRules} misconfiguration; ${keywords.length} keywords; ${alwaysOn} rules without a keyword prefilter), secretlint recommended preset ${secretlintRules}`,
  );
  console.log(`secret scan vs secretlint: ${(sl.wall / secrets.wall).toFixed(1)}x faster (target >= 5x); all rules: ${(sl.wall / cold.wall).toFixed(1)}x`);
  console.log(
    `secret scan vs ripgrep: ${(secrets.wall / rg.wall).toFixed(1)}x ripgrep's time (target <= 8x); all rules: ${(cold.wall / rg.wall).toFixed(1)}x; rescan from cache: ${(warm.wall / rg.wall).toFixed(1)}x`,
  );
  console.log(
    `rampart findings: ${rampartFindings.findings.length}, scanned ${rampartFindings.summary.scanned} files, skipped ${rampartFindings.summary.skipped.length}`,
  );
  if (runs.some((r) => r.status !== 0 && r.status !== 1)) process.exitCode = 1;
  writeFileSync(join(work, "scan-bench.json"), JSON.stringify({ corpus: info, rules: { rampart: rules.length, secretlint: secretlintRules }, runs }, null, 2));
}

main().catch((error) => {
  console.error(`scan bench failed: ${error.message}`);
  process.exit(1);
});
