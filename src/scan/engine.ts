import { existsSync } from "node:fs";
import { getCompileCacheDir } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Finding } from "../core/finding.js";
import { DEFAULT_MAX_FILE_SIZE, EMPTY_CONFIG, type ScanConfig } from "./config.js";
import { FingerprintResolver } from "./fingerprint.js";
import type { Fragment } from "./fragment.js";
import { describeRuleSet } from "./registry.js";
import type { ScanRule } from "./rule.js";
import { defaultCacheDir, readScanCache, writeScanCache } from "./scan-cache.js";
import { type FileOutcome, scanFragment } from "./scan-file.js";
import type { WorkerInit } from "./scan-worker.js";
import { Scanner } from "./scanner.js";
import { FileFilter } from "./walk/file-filter.js";
import { findRepoContext, type RepoContext } from "./walk/repo-context.js";
import { type Skipped, walkFiles } from "./walk/walk.js";
import { walkAhead } from "./walk-ahead.js";

export type { Skipped } from "./walk/walk.js";

export interface ScanOptions {
  /** Paths as the user gave them (default `.`), resolved against `cwd`. */
  paths?: string[];
  cwd: string;
  config?: ScanConfig;
  /** Respect .gitignore files (default true); .rampartignore always applies. */
  gitignore?: boolean;
  maxFileSize?: number;
  /** Worker threads; default one per core. 1 scans on the calling thread. */
  jobs?: number;
  /** Rescan cache (default on). */
  cache?: boolean;
  cacheDir?: string;
  /** Environment the default cache directory is found from (XDG_CACHE_HOME); default process.env. */
  env?: NodeJS.ProcessEnv;
  version?: string;
  /** Only rules of these categories (`secret`, `misconfig`); default all. */
  categories?: string[];
  /** File count from which worker threads are used (tests lower it). */
  poolThreshold?: number;
}

export interface ScanResult {
  findings: Finding[];
  /** Files whose content went through the rules (or came from the cache); commits for --git-history. */
  scanned: number;
  /** What `scanned` counts, when not files. */
  scannedUnit?: "commits";
  skipped: Skipped[];
  rules: ScanRule[];
  /** Directory finding paths are relative to. */
  base: string;
  bytes: number;
  cacheHits: number;
  /** Rule failures, as `path: rule: message`; the scan went on without that rule for that file. */
  ruleErrors: string[];
}

/** Below this many files, worker start-up (each loads every rule, ~0.2 s) costs more than it saves. */
const POOL_THRESHOLD_FILES = 400;
/**
 * Files per message: ~10 ms of work for source files. Fewer means more round trips (with 16, workers spent
 * some 100 ms per scan of the bench corpus waiting between batches); more means a longer uneven tail.
 */
const BATCH = 64;
/**
 * Batches each worker holds: enough that it never waits while this thread is busy walking a directory or
 * collecting results (with two, workers sat idle for a quarter of the scan).
 */
const BATCHES_IN_FLIGHT = 4;
/** Files the walk may run ahead of the workers (a few MB of paths at most). */
const WALK_AHEAD_LIMIT = 20_000;
/** Worker messages wait at most this many walked files. */
const WALK_YIELD_EVERY = 256;

/** Scans files on disk. Never throws for a file or rule; those become `skipped` and `ruleErrors`. */
export async function scanPaths(options: ScanOptions): Promise<ScanResult> {
  const config = options.config ?? EMPTY_CONFIG;
  const version = options.version ?? "dev";
  const roots = (options.paths && options.paths.length > 0 ? options.paths : ["."]).map((p) => (isAbsolute(p) ? p : resolve(options.cwd, p)));
  const base = await baseOf(roots, options.cwd);
  const skipped: Skipped[] = [];
  const onSkip = (s: Skipped) => skipped.push(s);
  const filter = new FileFilter(
    { gitignore: options.gitignore ?? true, include: config.include, exclude: config.exclude, ...repoOption(base) },
    (path, reason) => onSkip({ path, reason }),
  );
  // The rule set is read once, as data; this thread and every worker build their Scanner from it.
  const ruleSet = describeRuleSet(config, options.categories, version);
  const scanner = Scanner.fromDescription(ruleSet);
  // Rules that judge a file against the whole tree (ELZ-014) see their files last, once the list is complete.
  const tree: string[] = [];
  const deferred: Fragment[] = [];
  const walk = holdBack(walkFiles({ roots, base, gitignore: options.gitignore ?? true, filter }, onSkip), tree, (path) => scanner.needsTree(path), deferred);

  const useCache = options.cache ?? true;
  const cacheDir = options.cacheDir ?? defaultCacheDir(base, options.env);
  const cache = useCache ? readScanCache(cacheDir, base) : undefined;
  const jobs = Math.max(1, options.jobs ?? availableParallelism());
  const workerFile = workerScript();
  const maxFileSize = options.maxFileSize ?? config.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  // Look ahead far enough to know whether workers pay off; a big tree then streams on to them while the
  // walk goes on, so worker start-up overlaps the walk.
  const { head, rest } = await lookAhead(walk, jobs > 1 && workerFile ? (options.poolThreshold ?? POOL_THRESHOLD_FILES) : 0);
  // Workers are sent the rule set as read here: parsing and validating the rule files once saves each worker a
  // third of its start-up. Any error in them surfaced above, before a worker starts.
  const workers =
    rest && workerFile
      ? startWorkers(jobs, workerFile, {
          ruleSet,
          rulesFingerprint: cache ? scanner.fingerprint : "",
          maxFileSize,
          ...(cache ? { cache: [...cache] } : {}),
          ...compileCacheOption(),
        })
      : undefined;
  const context = { scanner, maxFileSize, ...(cache ? { cache } : {}) };
  const walked =
    rest && workers
      ? scanInPool(concat(head, rest), workers, (batch) => batch.map((fragment) => scanFragment(fragment, context)))
      : scanInThread(concat(head, walk), context);
  const outcomes = concatOutcomes(walked, () => deferred.map((fragment) => scanFragment({ ...fragment, tree }, context)));

  const result: ScanResult = { findings: [], scanned: 0, skipped, rules: [...scanner.rules], base, bytes: 0, cacheHits: 0, ruleErrors: [] };
  const nextCache = new Map<string, Finding[]>();
  // Random-looking secrets get their salted value tag here, once per distinct value, before anything is cached or reported.
  const fingerprints = new FingerprintResolver();
  // Value tags are computed side by side in the thread pool while the walk goes on; all are in before the cache and report.
  const tagged: Array<Promise<void>> = [];
  for await (const outcome of outcomes) {
    if (outcome.kind === "skipped") {
      skipped.push({ path: outcome.rel, reason: outcome.reason });
      continue;
    }
    result.scanned++;
    result.bytes += outcome.bytes;
    if (outcome.cached) result.cacheHits++;
    tagged.push(fingerprints.resolveAll(outcome.findings, outcome.deferred));
    if (outcome.cacheKey) nextCache.set(outcome.cacheKey, outcome.findings);
    for (const e of outcome.ruleErrors ?? []) result.ruleErrors.push(`${outcome.rel}: ${e}`);
    result.findings.push(...outcome.findings);
  }
  await Promise.all(tagged);
  if (cache) writeScanCache(cacheDir, nextCache, base);
  result.findings.sort(byLocation);
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return result;
}

export interface ScanSource {
  path: string;
  text: string;
  /** Virtual line i (0-based index for line i+1) → real line in the original file. */
  lineMap?: number[];
  meta?: { commit?: string; author?: string; date?: string };
}

/** Scans in-memory texts (a library entry point) on the calling thread; no file filter applies. */
export function scanSources(
  sources: Iterable<ScanSource>,
  options: { config?: ScanConfig; rules?: ScanRule[] } = {},
): { findings: Finding[]; rules: ScanRule[]; ruleErrors: string[] } {
  const scanner = options.rules ? new Scanner(options.rules) : Scanner.fromDescription(describeRuleSet(options.config ?? EMPTY_CONFIG));
  const rules = [...scanner.rules];
  const findings: Finding[] = [];
  const ruleErrors: string[] = [];
  for (const source of sources) {
    let found: Finding[];
    try {
      found = scanner.scan({ path: source.path, text: source.text }, (ruleId, error) =>
        ruleErrors.push(`${source.path}: ${ruleId}: ${(error as Error)?.message ?? String(error)}`),
      );
    } catch (error) {
      ruleErrors.push(`${source.path}: ${(error as Error)?.message ?? String(error)}`);
      continue;
    }
    for (const f of found) findings.push(remap(f, source));
  }
  return { findings, rules, ruleErrors };
}

function remap(finding: Finding, source: ScanSource): Finding {
  const out: Finding = { ...finding };
  if (source.lineMap) {
    out.line = source.lineMap[finding.line - 1] ?? finding.line;
    out.endLine = source.lineMap[finding.endLine - 1] ?? out.line;
  }
  if (source.meta?.commit) out.commit = source.meta.commit;
  if (source.meta?.author) out.author = source.meta.author;
  if (source.meta?.date) out.date = source.meta.date;
  return out;
}

export function byLocation(a: Finding, b: Finding): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId);
}

async function baseOf(roots: string[], cwd: string): Promise<string> {
  if (roots.length !== 1) return cwd;
  const { stat } = await import("node:fs/promises");
  const info = await stat(roots[0] as string).catch(() => undefined);
  return info?.isDirectory() ? (roots[0] as string) : cwd;
}

/**
 * Takes up to `threshold` files; `rest` is the still-running walk when there are more (use workers),
 * undefined when the walk ended first (scan on this thread).
 */
async function lookAhead(walk: AsyncGenerator<Fragment>, threshold: number): Promise<{ head: Fragment[]; rest?: AsyncGenerator<Fragment> }> {
  const head: Fragment[] = [];
  if (threshold <= 0) return { head };
  while (head.length < threshold) {
    const next = await walk.next();
    if (next.done) return { head };
    head.push(next.value);
  }
  return { head, rest: walk };
}

async function* concat(head: Fragment[], rest: AsyncIterable<Fragment>): AsyncGenerator<Fragment> {
  yield* head;
  yield* rest;
}

async function* scanInThread(fragments: AsyncIterable<Fragment>, context: Parameters<typeof scanFragment>[1]): AsyncGenerator<FileOutcome> {
  for await (const fragment of fragments) yield scanFragment(fragment, context);
}

/** The repository around the scanned directory, when there is one: its ignore files and tracked files apply. */
function repoOption(base: string): { repo?: RepoContext } {
  const repo = findRepoContext(base);
  return repo ? { repo } : {};
}

/** Passes the walk on, recording every path into `tree` and keeping back the files `needsTree` picks. */
async function* holdBack(walk: AsyncGenerator<Fragment>, tree: string[], needsTree: (rel: string) => boolean, deferred: Fragment[]): AsyncGenerator<Fragment> {
  for await (const fragment of walk) {
    tree.push(fragment.path);
    if (needsTree(fragment.path)) deferred.push(fragment);
    else yield fragment;
  }
}

async function* concatOutcomes(first: AsyncIterable<FileOutcome>, then: () => FileOutcome[]): AsyncGenerator<FileOutcome> {
  yield* first;
  yield* then();
}

/** The compiled worker; tests that run the TypeScript sources use the built one next to it in dist/. */
function workerScript(): string | undefined {
  const here = import.meta.url;
  const candidate = here.endsWith(".ts") ? fileURLToPath(new URL("../../dist/scan/scan-worker.js", here)) : fileURLToPath(new URL("./scan-worker.js", here));
  return existsSync(candidate) ? candidate : undefined;
}

/** Workers keep compiled code where this process does (the CLI enables Node's compile cache; a library host may not). */
function compileCacheOption(): { compileCache?: string } {
  const dir = getCompileCacheDir?.();
  // That is the per-Node-version subdirectory; enableCompileCache takes the directory above it.
  return dir ? { compileCache: dirname(dir) } : {};
}

interface StartedWorker {
  worker: Worker;
  /** Settles when the worker has loaded its rules (or died first). */
  ready: Promise<boolean>;
}

function startWorkers(jobs: number, script: string, init: WorkerInit): StartedWorker[] {
  return Array.from({ length: jobs }, () => {
    // No inherited execArgv: the parent's loaders or flags (a test runner's, say) must not leak into workers.
    const worker = new Worker(script, { workerData: init, execArgv: [] });
    const ready = new Promise<boolean>((resolveReady) => {
      const onMessage = (message: { ready?: boolean }) => {
        if (!message.ready) return;
        worker.off("message", onMessage);
        resolveReady(true);
      };
      worker.on("message", onMessage);
      worker.once("error", () => resolveReady(false));
      worker.once("exit", () => resolveReady(false));
    });
    return { worker, ready };
  });
}

/**
 * Spreads files over worker threads in small batches, keeping each worker a few batches ahead; the walk runs
 * ahead into a bounded buffer meanwhile, so no worker waits on it. Outcomes are yielded as they arrive, so
 * nothing but findings accumulates. If a worker dies, its batches and any left when no worker remains are
 * scanned on this thread: a crash costs speed, never coverage.
 */
async function* scanInPool(
  files: AsyncGenerator<Fragment>,
  started: StartedWorker[],
  inline: (jobs: Fragment[]) => FileOutcome[],
): AsyncGenerator<FileOutcome> {
  const queue: FileOutcome[] = [];
  let wake: (() => void) | undefined;
  let walkDone = false;
  let dispatched = 0;
  let completed = 0;
  let nextId = 0;
  const pending = new Map<number, { worker: Worker; jobs: Fragment[] }>();
  const alive = new Set<Worker>();
  const workers: Worker[] = [];
  const exited = new Set<Worker>();
  const notify = () => wake?.();
  const finish = (items: FileOutcome[]) => {
    queue.push(...items);
    completed++;
    notify();
  };
  // The walk runs ahead while the workers start; batches are cut from it in walk order.
  const ahead = walkAhead(files, { limit: WALK_AHEAD_LIMIT, yieldEvery: WALK_YIELD_EVERY });
  const nextBatch = async (): Promise<Fragment[] | undefined> => {
    if (walkDone) return undefined;
    const batch = await ahead.take(BATCH);
    if (batch) dispatched++;
    else walkDone = true;
    notify();
    return batch;
  };
  const runInline = (batch: Fragment[]) => finish(inline(batch));
  const feed = async (worker: Worker) => {
    const batch = await nextBatch();
    if (!batch) return;
    if (!alive.has(worker)) {
      runInline(batch);
      return;
    }
    const id = nextId++;
    pending.set(id, { worker, jobs: batch });
    worker.postMessage({ id, jobs: batch });
  };
  const drainInline = async () => {
    for (let batch = await nextBatch(); batch; batch = await nextBatch()) runInline(batch);
  };
  const fail = (worker: Worker) => {
    if (!alive.delete(worker)) return;
    for (const [id, entry] of pending) {
      if (entry.worker !== worker) continue;
      pending.delete(id);
      runInline(entry.jobs);
    }
    if (alive.size === 0) void drainInline();
  };
  for (const { worker, ready } of started) {
    alive.add(worker);
    workers.push(worker);
    void ready.then((ok) => {
      if (!ok) return;
      for (let i = 0; i < BATCHES_IN_FLIGHT; i++) void feed(worker);
    });
    worker.on("message", (message: { id?: number; outcomes?: FileOutcome[] }) => {
      if (message.id === undefined || !pending.delete(message.id)) return;
      finish(message.outcomes ?? []);
      void feed(worker);
    });
    worker.on("error", () => fail(worker));
    worker.on("exit", () => {
      exited.add(worker);
      fail(worker);
    });
  }
  try {
    while (!walkDone || completed < dispatched || queue.length > 0) {
      if (queue.length === 0) await new Promise<void>((r) => (wake = r));
      wake = undefined;
      while (queue.length > 0) yield queue.shift() as FileOutcome;
    }
  } finally {
    alive.clear(); // exits from here on are ours, not failures
    await stopWorkers(workers.filter((w) => !exited.has(w)));
  }
}

/**
 * Asks workers to finish instead of terminate(): terminating a worker can abort the whole process on some
 * Node builds (a V8 check failure seen under test runners).
 */
function stopWorkers(workers: readonly Worker[]): Promise<unknown> {
  return Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolveExit) => {
          w.once("exit", () => resolveExit());
          w.postMessage({ close: true });
        }),
    ),
  );
}
