import { UsageError } from "../../core/errors.js";
import type { Finding } from "../../core/finding.js";
import { DEFAULT_MAX_FILE_SIZE, type ScanConfig } from "../config.js";
import { byLocation, type ScanResult } from "../engine.js";
import { FingerprintResolver } from "../fingerprint.js";
import type { Fragment } from "../fragment.js";
import { describeRuleSet } from "../registry.js";
import type { ScanRule } from "../rule.js";
import { type FileOutcome, MAX_TEXT_BYTES, type ScanFileContext, scanFragment, tooLarge } from "../scan-file.js";
import { Scanner } from "../scanner.js";
import { FileFilter } from "../walk/file-filter.js";
import { findRepoContext } from "../walk/repo-context.js";
import type { Skipped } from "../walk/walk.js";
import { BlobReader } from "./blob-reader.js";
import { COMMIT_FORMAT, type CommitInfo, PatchReader, type RawChange, RawReader } from "./diff-parser.js";
import { gitOutput, gitRecords } from "./git-process.js";

interface GitScanCommon {
  cwd: string;
  config: ScanConfig;
  /** Only rules of these categories (`secret`, `misconfig`); default all. */
  categories?: readonly string[];
  /** Skip files larger than this (default: the config's, else 2 MB), as the directory scan does. */
  maxFileSize?: number;
  /** Apply git's ignore rules (they never match tracked files, which is all these modes see). */
  gitignore?: boolean;
  /** Called with a short status for a terminal line. */
  onProgress?: (message: string) => void;
}

export interface ChangesOptions extends GitScanCommon {
  /** `--diff <base>`: what HEAD adds since its merge base with base. Otherwise `--staged`: the index. */
  base?: string;
}

/** What every git mode shares with the directory scan: the file filter, the rules, the content checks. */
interface GitScanSetup {
  top: string;
  filter: FileFilter;
  rules: ScanRule[];
  context: ScanFileContext;
  skipped: Skipped[];
  blobs: BlobReader;
}

function setUp(options: GitScanCommon): GitScanSetup {
  const top = repoTop(options.cwd);
  const skipped: Skipped[] = [];
  const repo = findRepoContext(top, { tracked: false }) ?? { top, globalIgnoreFiles: [] };
  const filter = new FileFilter(
    { gitignore: options.gitignore ?? true, include: options.config.include, exclude: options.config.exclude, repo },
    (path, reason) => skipped.push({ path, reason }),
  );
  const scanner = Scanner.fromDescription(describeRuleSet(options.config, options.categories));
  const maxFileSize = options.maxFileSize ?? options.config.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  return { top, filter, rules: [...scanner.rules], context: { scanner, maxFileSize }, skipped, blobs: new BlobReader(top) };
}

/**
 * A PR or pre-commit gate: every changed file is scanned whole (so structural rules see valid YAML and
 * code), through the same file filter and content checks as a directory scan, and only findings on lines
 * the change adds are kept.
 */
export async function scanChanges(options: ChangesOptions): Promise<ScanResult> {
  const setup = setUp(options);
  const { top, skipped } = setup;
  const range = options.base === undefined ? ["--cached"] : [mergeBase(top, options.base), "HEAD"];
  const diffArgs = ["-M", "--diff-filter=ACMR", "--no-ext-diff", "--no-textconv", "--ignore-submodules", ...range];
  const changes: RawChange[] = [];
  const raw = new RawReader((change) => changes.push(change));
  for await (const record of gitRecords(top, ["diff", "--raw", "-z", "--no-abbrev", ...diffArgs], 0)) raw.push(record);
  const patch = new PatchReader();
  for await (const line of gitRecords(top, ["diff", "-U0", ...diffArgs], 10)) patch.push(line);
  const tree = lazyTree(top, setup.filter, options.base === undefined ? undefined : "HEAD");
  const findings: Finding[] = [];
  const ruleErrors: string[] = [];
  const fingerprints = new FingerprintResolver();
  const tagged: Array<Promise<void>> = [];
  let scanned = 0;
  let bytes = 0;
  try {
    for (const [index, change] of changes.entries()) {
      options.onProgress?.(`${index + 1}/${changes.length} ${change.path}`);
      const outcome = await scanBlob(setup, change, tree);
      if (!outcome) continue;
      if (outcome.kind === "skipped") {
        skipped.push({ path: outcome.rel, reason: outcome.reason });
        continue;
      }
      scanned++;
      bytes += outcome.bytes;
      for (const e of outcome.ruleErrors ?? []) ruleErrors.push(`${change.path}: ${e}`);
      // Patch and raw listing come from the same diff, file for file; a file with no added lines adds nothing.
      const added = patch.added[index] ?? new Set<number>();
      const onAddedLine = (i: number) => added.has(outcome.findings[i]!.line);
      tagged.push(fingerprints.resolveAll(outcome.findings, outcome.deferred, onAddedLine));
      findings.push(...outcome.findings.filter((_, i) => onAddedLine(i)));
    }
  } finally {
    setup.blobs.close();
  }
  await Promise.all(tagged);
  findings.sort(byLocation);
  return { findings, scanned, skipped: sortSkips(skipped), rules: setup.rules, ruleErrors, base: top, bytes, cacheHits: 0 };
}

export interface HistoryOptions extends GitScanCommon {
  /** A revision (`v1.2.0`, `abc123`) scans `since..HEAD`; a date (`2026-01-01`) scans commits after it. */
  since?: string;
}

/**
 * Every commit reachable from HEAD, oldest first: each file a commit adds or changes is scanned whole, as it
 * was at that commit (so misconfigurations are judged on complete files), and each finding is reported once,
 * at the commit that introduced it. `scanned` counts commits.
 */
export async function scanHistory(options: HistoryOptions): Promise<ScanResult> {
  const setup = setUp(options);
  const { top, skipped } = setup;
  const seen = new Set<string>();
  const fingerprints = new FingerprintResolver();
  // Each file's introduced findings, in commit order, once their value tags are in (computed side by side).
  const batches: Array<Promise<Finding[]>> = [];
  let reported = 0;
  const ruleErrors: string[] = [];
  const perCommit: Array<{ commit: CommitInfo; changes: RawChange[] }> = [];
  let commits = 0;
  let bytes = 0;
  const scanCommit = async (entry: { commit: CommitInfo; changes: RawChange[] }) => {
    commits++;
    const { commit } = entry;
    options.onProgress?.(`${commits} commits, at ${commit.commit.slice(0, 10)} (${commit.date.slice(0, 10)}), ${reported} findings`);
    const tree = lazyTree(top, setup.filter, commit.commit);
    for (const change of entry.changes) {
      const outcome = await scanBlob(setup, change, tree);
      if (!outcome) continue;
      if (outcome.kind === "skipped") {
        skipped.push({ path: `${outcome.rel} (commit ${commit.commit.slice(0, 12)})`, reason: outcome.reason });
        continue;
      }
      bytes += outcome.bytes;
      for (const e of outcome.ruleErrors ?? []) ruleErrors.push(`${change.path} (commit ${commit.commit.slice(0, 12)}): ${e}`);
      // Provisional fingerprints compare exactly as final ones do: only introduced findings pay for a value tag.
      const before = outcome.findings.length > 0 ? await findingsBefore(setup, change, tree) : new Set<string>();
      const introduced = new Set<number>();
      outcome.findings.forEach((f, i) => {
        if (seen.has(f.fingerprint) || before.has(f.fingerprint)) return;
        seen.add(f.fingerprint);
        introduced.add(i);
      });
      const found = outcome.findings;
      reported += introduced.size;
      batches.push(
        fingerprints
          .resolveAll(found, outcome.deferred, (i) => introduced.has(i))
          .then(() =>
            [...introduced].map((i) => ({
              ...found[i]!,
              commit: commit.commit,
              ...(commit.author ? { author: commit.author } : {}),
              ...(commit.date ? { date: commit.date } : {}),
            })),
          ),
      );
    }
  };
  const reader = new RawReader(
    (change) => perCommit[perCommit.length - 1]?.changes.push(change),
    (commit) => perCommit.push({ commit, changes: [] }),
  );
  const args = [
    "log",
    "--raw",
    "-z",
    "--no-abbrev",
    "-M",
    "--reverse",
    "--no-merges",
    "--diff-filter=ACMR",
    "--ignore-submodules",
    `--format=${COMMIT_FORMAT}`,
    ...sinceArgs(options.since),
  ];
  try {
    for await (const record of gitRecords(top, args, 0)) {
      reader.push(record);
      // A commit is complete once the next one starts: scan it then, so one commit's list is held at a time.
      while (perCommit.length > 1) await scanCommit(perCommit.shift()!);
    }
    while (perCommit.length > 0) await scanCommit(perCommit.shift()!);
  } finally {
    setup.blobs.close();
  }
  const findings = (await Promise.all(batches)).flat();
  return { findings, scanned: commits, scannedUnit: "commits", skipped: sortSkips(skipped), rules: setup.rules, ruleErrors, base: top, bytes, cacheHits: 0 };
}

/** One changed file through the filter, the size cap and the shared content checks; undefined when ignored. */
async function scanBlob(setup: GitScanSetup, change: RawChange, tree: () => Promise<string[]>): Promise<FileOutcome | undefined> {
  const fragment = await fragmentOf(setup, change, tree);
  if (fragment === undefined || "kind" in fragment) return fragment;
  return scanFragment(fragment, setup.context);
}

/**
 * The git sources' side: a changed path as a fragment, as the walk yields one for a file on disk (the blob's
 * bytes, tracked, the tree's list when a rule needs it), or the skip that stops it first; undefined when the
 * file filter ignores the path silently.
 */
async function fragmentOf(setup: GitScanSetup, change: RawChange, tree: () => Promise<string[]>): Promise<Fragment | FileOutcome | undefined> {
  const verdict = setup.filter.judgeTracked(change.path);
  if (!verdict.scan) return verdict.reason ? { kind: "skipped", rel: change.path, reason: verdict.reason } : undefined;
  const limit = Math.min(setup.context.maxFileSize, MAX_TEXT_BYTES);
  const blob = await setup.blobs.read(change.blob, limit);
  // A submodule or an object the clone lacks (a partial clone) has no blob to read.
  if (!blob) return { kind: "skipped", rel: change.path, reason: "no content in this clone (submodule or missing object)" };
  if (!blob.bytes) return { kind: "skipped", rel: change.path, reason: tooLarge(blob.size, setup.context.maxFileSize) };
  return { path: change.path, bytes: blob.bytes, tracked: true, ...(setup.context.scanner.needsTree(change.path) ? { tree: await tree() } : {}) };
}

/**
 * Fingerprints of what the file held before the change, scanned under its new path so they compare (a
 * rename introduces nothing): a finding already there was not introduced by this commit.
 */
async function findingsBefore(setup: GitScanSetup, change: RawChange, tree: () => Promise<string[]>): Promise<Set<string>> {
  if (/^0+$/.test(change.oldBlob) || change.oldBlob === "") return new Set();
  const before = await scanBlob(setup, { ...change, blob: change.oldBlob }, tree);
  return new Set(before?.kind === "scanned" ? before.findings.map((f) => f.fingerprint) : []);
}

/** The file list of a commit (or of the index), read on first need and filtered like the files themselves. */
function lazyTree(top: string, filter: FileFilter, revision: string | undefined): () => Promise<string[]> {
  let paths: Promise<string[]> | undefined;
  const list = async () => {
    const args = revision === undefined ? ["ls-files", "-z", "--cached"] : ["ls-tree", "-r", "-z", "--name-only", "--full-tree", revision];
    const out: string[] = [];
    for await (const record of gitRecords(top, args, 0)) {
      const path = record.toString("utf8");
      if (path !== "" && filter.judgeTracked(path).scan) out.push(path);
    }
    return out;
  };
  return () => (paths ??= list());
}

function sortSkips(skipped: Skipped[]): Skipped[] {
  return skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function sinceArgs(since: string | undefined): string[] {
  if (since === undefined) return ["HEAD"];
  if (since.startsWith("-")) throw new UsageError(`--since "${since}" is neither a revision nor a date; give e.g. v1.2.0 or 2026-01-01`);
  if (/^\d{4}-\d{2}-\d{2}/.test(since)) return [`--since=${since}`, "HEAD"];
  return [`${since}..HEAD`];
}

function repoTop(cwd: string): string {
  return gitOutput(cwd, ["rev-parse", "--show-toplevel"]).toString("utf8").trim();
}

function mergeBase(top: string, base: string): string {
  if (base.startsWith("-")) throw new UsageError(`--diff "${base}" is not a revision; give a branch, tag or commit such as main`);
  return gitOutput(top, ["merge-base", base, "HEAD"]).toString("utf8").trim();
}
