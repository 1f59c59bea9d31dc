import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { ConfigError, UsageError } from "../../core/errors.js";
import { ExitCode } from "../../core/exit-code.js";
import { createGitHubClient } from "../../core/github-client.js";
import { fetchSecurityIssues } from "../../metrics/github-issues.js";
import { observeIssueReport } from "../../metrics/issue-gauge.js";
import { buildIssueReport, type IssueReport } from "../../metrics/issue-report.js";
import { issueReportHtml } from "../../metrics/html-report.js";
import { addMonths, monthsBetween, parseDuration, parseMonth } from "../../metrics/months.js";
import { issueReportText } from "../../metrics/text-report.js";
import { loadScanConfig } from "../../scan/config.js";
import { otlpConfigured, startTelemetry } from "../../telemetry/start.js";
import type { CliIo } from "../io.js";
import type { CommandContext } from "../program.js";
import { createProgress } from "../progress.js";

interface IssuesOptions {
  repo: string;
  label: string[];
  since?: string;
  until?: string;
  target?: string;
  baseline: string;
  sla?: string;
  format: string;
  output?: string;
  otlp?: boolean;
  apiUrl?: string;
  config?: string;
}

const DEFAULT_LABELS = ["security"];
const FORMATS = ["text", "json", "html"] as const;

export function registerMetrics(program: Command, context: CommandContext): void {
  const metrics = program.command("metrics").description("security program metrics from GitHub");
  metrics
    .command("issues")
    .description("security issues opened per calendar month (UTC), closed, time to first response and SLA compliance, against a target")
    .requiredOption("--repo <owner/name>", "repository to count")
    .option("--label <name>", "label marking a security issue; repeat for several (any matches; default: metrics.issueLabels in rampart.config.yaml, else security)", (v: string, all: string[]) => [...all, v], [])
    .option("--since <YYYY-MM>", "first month (default: 11 months before --until)")
    .option("--until <YYYY-MM>", "last month (default: this month, UTC)")
    .option("--target <percent>", "reduction goal against the baseline, e.g. 50")
    .option("--baseline <months>", "with --target: how many of the first months form the baseline", "6")
    .option("--sla <duration>", "response SLA, e.g. 48h or 2d (default: metrics.sla in rampart.config.yaml, else 48h)")
    .option("--format <format>", "text, json or html", "text")
    .option("--output <file>", "write the report to a file instead of stdout")
    .option("--otlp", "also export the monthly values over OTLP (endpoint from OTEL_EXPORTER_OTLP_*; on by default when those are set)")
    .option("--api-url <url>", "GitHub API base URL (default: GITHUB_API_URL, else https://api.github.com)")
    .option("--config <file>", "config file (default: rampart.config.yaml in the current directory)")
    .action((o: IssuesOptions) => context.run(() => issues(o, context.io)));
}

async function issues(o: IssuesOptions, io: CliIo): Promise<ExitCode> {
  const [owner, name, extra] = o.repo.split("/");
  if (!owner || !name || extra !== undefined) throw new UsageError(`--repo takes OWNER/NAME, like elizaos/eliza, not "${o.repo}"`);
  if (!(FORMATS as readonly string[]).includes(o.format)) throw new UsageError(`unknown --format "${o.format}"; use text, json or html`);
  const config = loadScanConfig(o.config && resolve(io.cwd, o.config), io.cwd).metrics ?? {};
  const until = o.until ? parseMonth(o.until, "--until") : new Date().toISOString().slice(0, 7);
  const since = o.since ? parseMonth(o.since, "--since") : addMonths(until, -11);
  const months = monthsBetween(since, until);
  const target = parseTarget(o, months.length);
  const slaMs = parseDuration(o.sla ?? config.sla ?? "48h", o.sla ? "--sla" : "metrics.sla");
  const labels = o.label.length > 0 ? o.label : (config.issueLabels ?? DEFAULT_LABELS);
  if (!io.env.GITHUB_TOKEN && !io.env.GH_TOKEN) throw new UsageError("set GITHUB_TOKEN or GH_TOKEN to a token that can read the repository's issues (see README: Security-issue metrics)");

  const octokit = createGitHubClient({ env: io.env, ...(o.apiUrl ? { baseUrl: o.apiUrl } : {}), onWait: (m) => io.stderr.write(`rampart: ${m}\n`) });
  const progress = createProgress(io, "metrics:");
  const fetched = await fetchSecurityIssues(octokit, { owner, repo: name, labels, since, until, onProgress: (m) => progress.update(m) }).finally(() => progress.done());
  const report = buildIssueReport({ repo: `${owner}/${name}`, labels, months, issues: fetched.issues, advisories: fetched.advisories, slaMs, now: new Date(), notes: fetched.notes, ...(target ? { target } : {}) });

  if (o.otlp || otlpConfigured(io.env)) await exportOtlp(report);
  const text = o.format === "json" ? `${JSON.stringify(report, null, 2)}\n` : o.format === "html" ? issueReportHtml(report) : issueReportText(report);
  if (o.output) writeReport(resolve(io.cwd, o.output), text);
  else io.stdout.write(text);
  return ExitCode.clean;
}

function parseTarget(o: IssuesOptions, monthCount: number): { percent: number; baselineMonths: number } | undefined {
  if (o.target === undefined) return undefined;
  const percent = Number(o.target.replace(/%$/, ""));
  if (!Number.isFinite(percent) || percent <= 0 || percent >= 100) throw new UsageError(`--target takes a percent between 0 and 100, like 50, not "${o.target}"`);
  const baselineMonths = Number(o.baseline);
  if (!Number.isInteger(baselineMonths) || baselineMonths < 1 || baselineMonths >= monthCount) {
    throw new UsageError(`--baseline must be a whole number of months from 1 to ${monthCount - 1} (the range has ${monthCount}); widen --since or lower --baseline`);
  }
  return { percent, baselineMonths };
}

/** One-shot export: observe every month once, push, and flush before the process exits. */
async function exportOtlp(report: IssueReport): Promise<void> {
  const telemetry = await startTelemetry({ otlp: { intervalMs: 3_600_000 }, serviceName: "rampart-metrics" });
  try {
    observeIssueReport(telemetry.meter, () => report);
    await telemetry.forceFlush();
  } finally {
    await telemetry.shutdown();
  }
}

function writeReport(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw new ConfigError(`cannot write the report (${(error as NodeJS.ErrnoException).code ?? "error"}); check the directory exists and is writable`, { file });
  }
}
