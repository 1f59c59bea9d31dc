import { existsSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { ConfigError, UsageError } from "../../core/errors.js";
import { ExitCode } from "../../core/exit-code.js";
import { isSeverity, type Severity } from "../../core/severity.js";
import { formatReport, parseFormat } from "../../report/format.js";
import { type Report, summarize } from "../../report/report.js";
import { readBaseline, withoutBaselined, writeBaseline } from "../../scan/baseline.js";
import { loadScanConfig, parseSize } from "../../scan/config.js";
import { type ScanResult, scanPaths } from "../../scan/engine.js";
import { scanChanges, scanHistory } from "../../scan/git/git-scan.js";
import { loadTelemetry, otlpConfigured } from "../../telemetry/otlp-env.js";
import { recordScanFindings } from "../../telemetry/scan-metrics.js";
import type { CommandContext } from "../command-context.js";
import { type CliIo, wantsColor } from "../io.js";
import { createProgress } from "../progress.js";
import { VERSION } from "../version.js";

/** Every `rampart scan` option in one place; git modes add theirs here and in `pickSource`. */
interface ScanCommandOptions {
  format: string;
  output?: string;
  failOn: string;
  config?: string;
  gitignore: boolean;
  maxFileSize?: string;
  cache: boolean;
  jobs?: string;
  category?: string;
  diff?: string;
  staged?: boolean;
  gitHistory?: boolean;
  since?: string;
  baseline?: string;
  updateBaseline?: boolean;
  otlp?: boolean;
  onlyFailing?: boolean;
}

export function registerScan(program: Command, context: CommandContext): void {
  program
    .command("scan")
    .description("scan files for leaked secrets and auth misconfigurations (a CI gate)")
    .argument("[paths...]", "files or directories to scan", ["."])
    .option("--format <format>", "text, json, sarif, junit, github or markdown", "text")
    .option("--output <file>", "write the report to a file instead of stdout")
    .option("--fail-on <severity>", "exit 1 when a finding is at or above this severity (info, low, medium, high, critical)", "high")
    .option("--config <file>", "config file (default: rampart.config.yaml in the scanned directory)")
    .option("--no-gitignore", "also scan files .gitignore excludes (.rampartignore still applies)")
    .option("--max-file-size <size>", "skip files larger than this (e.g. 2MB, 512KB)")
    .option("--no-cache", "do not read or write the rescan cache")
    .option("--jobs <n>", "worker threads (default: one per core; 1 = no workers)")
    .option("--diff <base-ref>", "report only lines added since the merge base with <base-ref> (a PR gate)")
    .option("--staged", "scan what is staged in the index, reporting only added lines (pre-commit)")
    .option("--git-history", "scan the added lines of every commit reachable from HEAD, with commit, author and date")
    .option("--since <rev|date>", "with --git-history: only commits after a revision (v1.2.0) or a date (2026-01-01)")
    .option("--baseline <file>", "ignore findings whose fingerprints are in this baseline file")
    .option("--update-baseline", "write the current findings to the --baseline file (default .rampart-baseline.json) and exit 0")
    .option("--category <list>", "only run rules of these categories, comma-separated: secret, misconfig (default: all)")
    .option("--only-failing", "text format: list only findings at or above --fail-on (the summary still counts all)")
    .option("--otlp", "export the findings count (by rule and severity) over OTLP (endpoint from OTEL_EXPORTER_OTLP_*; on by default when those are set)")
    .action((paths: string[], options: ScanCommandOptions) => context.run(() => runScan(paths, options, context.io)));
}

async function runScan(paths: string[], options: ScanCommandOptions, io: CliIo): Promise<ExitCode> {
  const format = parseFormat(options.format);
  const gate = parseGate(options.failOn);
  const jobs = parseJobs(options.jobs);
  const categories = parseCategories(options.category);
  const maxFileSize = options.maxFileSize === undefined ? undefined : parseMaxFileSize(options.maxFileSize);
  requireExistingPaths(paths, io.cwd);
  const configRoot = paths.length === 1 ? resolve(io.cwd, paths[0] ?? ".") : io.cwd;
  const config = loadScanConfig(options.config && resolve(io.cwd, options.config), configRoot);

  const baselineFile = options.baseline ?? (options.updateBaseline ? ".rampart-baseline.json" : undefined);
  const accepted = options.baseline && !options.updateBaseline ? readBaseline(resolve(io.cwd, options.baseline)) : undefined;
  const result = await pickSource(paths, options, io, { config, jobs, maxFileSize, categories });
  for (const e of result.ruleErrors.slice(0, 20)) io.stderr.write(`rampart: rule error in ${e}\n`);
  if (options.updateBaseline && baselineFile) {
    writeBaseline(resolve(io.cwd, baselineFile), result.findings);
    io.stderr.write(`rampart: wrote ${result.findings.length} findings to ${baselineFile}; later scans with --baseline ${baselineFile} gate only new ones\n`);
    return ExitCode.clean;
  }
  if (accepted) result.findings = withoutBaselined(result.findings, accepted);
  if (options.otlp || otlpConfigured(io.env))
    await (await loadTelemetry()).pushMetricsOnce("rampart-scan", (meter) => recordScanFindings(meter, result.findings));

  const report: Report = {
    tool: { name: "rampart", version: VERSION },
    kind: "scan",
    findings: result.findings,
    rules: result.rules.map((r) => r.meta),
    summary: summarize(result.findings, gate, result.scanned, result.skipped, result.scannedUnit),
  };
  const text = formatReport(format, report, { color: options.output === undefined && wantsColor(io), ...(options.onlyFailing ? { onlyFailing: true } : {}) });
  if (options.output) writeOutput(resolve(io.cwd, options.output), text);
  else io.stdout.write(text);
  return report.summary.failing > 0 ? ExitCode.findings : ExitCode.clean;
}

/** The one place that decides what is scanned: files on disk by default. */
async function pickSource(
  paths: string[],
  options: ScanCommandOptions,
  io: CliIo,
  settings: { config: ReturnType<typeof loadScanConfig>; jobs: number | undefined; maxFileSize: number | undefined; categories: string[] | undefined },
): Promise<ScanResult> {
  const modes = [options.diff !== undefined, options.staged === true, options.gitHistory === true].filter(Boolean).length;
  if (modes > 1) throw new UsageError("--diff, --staged and --git-history are separate modes; pick one");
  if (options.since !== undefined && !options.gitHistory) throw new UsageError("--since goes with --git-history");
  const cwd = resolve(io.cwd, paths[0] ?? ".");
  const git = {
    cwd,
    config: settings.config,
    gitignore: options.gitignore,
    ...(settings.categories ? { categories: settings.categories } : {}),
    ...(settings.maxFileSize !== undefined ? { maxFileSize: settings.maxFileSize } : {}),
  };
  if (options.gitHistory)
    return withProgress(io, "scanning history:", (onProgress) => scanHistory({ ...git, onProgress, ...(options.since ? { since: options.since } : {}) }));
  if (options.diff !== undefined) return withProgress(io, "scanning changes:", (onProgress) => scanChanges({ ...git, onProgress, base: options.diff }));
  if (options.staged) return scanChanges(git);
  return scanPaths({
    paths,
    cwd: io.cwd,
    config: settings.config,
    gitignore: options.gitignore,
    cache: options.cache,
    env: io.env,
    version: VERSION,
    ...(settings.jobs !== undefined ? { jobs: settings.jobs } : {}),
    ...(settings.categories ? { categories: settings.categories } : {}),
    ...(settings.maxFileSize !== undefined ? { maxFileSize: settings.maxFileSize } : {}),
  });
}

async function withProgress<T>(io: CliIo, label: string, run: (onProgress: (m: string) => void) => Promise<T>): Promise<T> {
  const progress = createProgress(io, label);
  try {
    return await run((m) => progress.update(m));
  } finally {
    progress.done();
  }
}

function parseGate(value: string): Severity {
  if (isSeverity(value)) return value;
  throw new UsageError(`unknown --fail-on "${value}"; use info, low, medium, high or critical`);
}

const CATEGORIES = ["secret", "misconfig"];

function parseCategories(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = value
    .split(",")
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
  const unknown = list.filter((c) => !CATEGORIES.includes(c));
  if (list.length === 0 || unknown.length > 0)
    throw new UsageError(`unknown --category "${unknown.join(",") || value}"; use ${CATEGORIES.join(", ")} (comma-separated)`);
  return list;
}

function parseMaxFileSize(value: string): number {
  const size = parseSize(value);
  if (size < 1) throw new UsageError(`--max-file-size ${value} would skip every file; give a size of at least 1 byte, e.g. 2MB`);
  return size;
}

/** A path that does not exist is a typo, not an empty scan that passes the gate. */
function requireExistingPaths(paths: readonly string[], cwd: string): void {
  const missing = paths.filter((p) => !existsSync(resolve(cwd, p)));
  if (missing.length === 0) return;
  throw new UsageError(
    `${missing.map((p) => JSON.stringify(p)).join(", ")} ${missing.length === 1 ? "does" : "do"} not exist; check the path (scan the current directory with: rampart scan .)`,
  );
}

function parseJobs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--jobs must be a whole number from 1 to 64, not "${value}"`);
  return n;
}

function writeOutput(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw new ConfigError(`cannot write the report (${(error as NodeJS.ErrnoException).code ?? "error"}); check the directory exists and is writable`, {
      file,
    });
  }
}
