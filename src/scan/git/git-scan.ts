import type { Finding } from "../../core/finding.js";
import { matchesGlobs } from "../apply-rules.js";
import type { ScanConfig } from "../config.js";
import { scanSources, type ScanResult } from "../engine.js";
import { loadScanRules } from "../registry.js";
import type { Skipped } from "../walk/walk.js";
import { COMMIT_FORMAT, DiffReader, type AddedLines, type CommitInfo } from "./diff-parser.js";
import { gitLines, gitOutput } from "./git-process.js";

const MAX_FILE_BYTES = 4 * 1024 * 1024;

export interface ChangesOptions {
  cwd: string;
  config: ScanConfig;
  /** `--diff <base>`: what HEAD adds since its merge base with base. Otherwise `--staged`: the index. */
  base?: string;
  /** Only rules of these categories (`secret`, `misconfig`); default all. */
  categories?: readonly string[];
  /** Called after each file with `done/total` so a terminal can show where a long run is. */
  onProgress?: (message: string) => void;
}

/**
 * A PR or pre-commit gate: every changed file is scanned whole (so structural rules see valid YAML and
 * code), and only findings on lines the change adds are kept.
 */
export async function scanChanges(options: ChangesOptions): Promise<ScanResult> {
  const top = repoTop(options.cwd);
  const revision = options.base === undefined ? "" : "HEAD";
  const range = options.base === undefined ? ["--cached"] : [`${mergeBase(top, options.base)}`, "HEAD"];
  const reader = new DiffReader();
  for await (const line of gitLines(top, ["diff", "-U0", "--no-ext-diff", "--diff-filter=ACMR", ...range])) reader.push(line);
  const changed = reader.end().files.filter((f) => !excluded(options.config, f.path));
  const rules = loadScanRules(options.config, options.categories);
  const skipped: Skipped[] = [];
  const findings: Finding[] = [];
  const ruleErrors: string[] = [];
  let bytes = 0;
  for (const [index, file] of changed.entries()) {
    options.onProgress?.(`${index + 1}/${changed.length} ${file.path}`);
    const text = showFile(top, revision, file.path, skipped);
    if (text === undefined) continue;
    bytes += text.length;
    const added = new Set(file.lines.map((l) => l.line));
    const result = scanSources([{ path: file.path, text }], { rules });
    ruleErrors.push(...result.ruleErrors);
    findings.push(...result.findings.filter((f) => added.has(f.line)));
  }
  return { findings, scanned: changed.length - skipped.length, skipped, rules, ruleErrors, base: top, bytes, cacheHits: 0 };
}

export interface HistoryOptions {
  cwd: string;
  config: ScanConfig;
  /** A revision (`v1.2.0`, `abc123`) scans `since..HEAD`; a date (`2026-01-01`) scans commits after it. */
  since?: string;
  /** Only rules of these categories (`secret`, `misconfig`); default all. */
  categories?: readonly string[];
  /** Called after each commit with the count so far and the commit's date, for a terminal status line. */
  onProgress?: (message: string) => void;
}

/**
 * Every commit's added lines, oldest first, one commit in memory at a time. A secret found in many
 * commits is reported once, at the commit that introduced it.
 */
export async function scanHistory(options: HistoryOptions): Promise<ScanResult> {
  const top = repoTop(options.cwd);
  const rules = loadScanRules(options.config, options.categories);
  const seen = new Set<string>();
  const findings: Finding[] = [];
  const ruleErrors: string[] = [];
  let commits = 0;
  let bytes = 0;
  const take = (batch: { commit: CommitInfo | undefined; files: AddedLines[] } | undefined) => {
    if (!batch?.commit) return;
    commits++;
    options.onProgress?.(`${commits} commits, at ${batch.commit.commit.slice(0, 10)} (${batch.commit.date.slice(0, 10)}), ${findings.length} findings`);
    const sources = batch.files.filter((f) => !excluded(options.config, f.path)).map((f) => toSource(f, batch.commit!));
    for (const s of sources) bytes += s.text.length;
    const result = scanSources(sources, { rules });
    ruleErrors.push(...result.ruleErrors);
    for (const f of result.findings) {
      if (seen.has(f.fingerprint)) continue;
      seen.add(f.fingerprint);
      findings.push(f);
    }
  };
  const reader = new DiffReader();
  for await (const line of gitLines(top, ["log", "-p", "-U0", "--reverse", "--no-merges", "--no-ext-diff", "--diff-filter=ACMR", `--format=${COMMIT_FORMAT}`, ...sinceArgs(options.since)])) {
    take(reader.push(line));
  }
  take(reader.end());
  return { findings, scanned: commits, skipped: [], rules, ruleErrors, base: top, bytes, cacheHits: 0 };
}

function toSource(file: AddedLines, commit: CommitInfo) {
  return {
    path: file.path,
    text: file.lines.map((l) => l.text).join("\n"),
    lineMap: file.lines.map((l) => l.line),
    meta: { commit: commit.commit, author: commit.author, date: commit.date },
  };
}

/** The config's `paths.exclude` applies to git modes too (with --diff, this repo's rule examples stay quiet). */
function excluded(config: ScanConfig, path: string): boolean {
  return config.exclude.length > 0 && matchesGlobs(config.exclude.map((e) => e.glob), path);
}

function sinceArgs(since: string | undefined): string[] {
  if (since === undefined) return ["HEAD"];
  if (/^\d{4}-\d{2}-\d{2}/.test(since)) return [`--since=${since}`, "HEAD"];
  return [`${since}..HEAD`];
}

function repoTop(cwd: string): string {
  return gitOutput(cwd, ["rev-parse", "--show-toplevel"]).toString("utf8").trim();
}

function mergeBase(top: string, base: string): string {
  return gitOutput(top, ["merge-base", base, "HEAD"]).toString("utf8").trim();
}

/** The file as the change leaves it (`:path` is the index); binary and huge files are skipped with a reason. */
function showFile(top: string, revision: string, path: string, skipped: Skipped[]): string | undefined {
  const content = gitOutput(top, ["show", `${revision}:${path}`], MAX_FILE_BYTES * 2);
  if (content.length > MAX_FILE_BYTES) return void skipped.push({ path, reason: "too large" });
  if (content.subarray(0, 8192).includes(0)) return void skipped.push({ path, reason: "binary" });
  return content.toString("utf8");
}
