import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { ConfigError, UsageError } from "../../core/errors.js";
import { ExitCode } from "../../core/exit-code.js";
import { collectIssueReport } from "../../metrics/collect.js";
import { issueReportHtml } from "../../metrics/html-report.js";
import { observeIssueReport } from "../../metrics/issue-gauge.js";
import { addMonths, monthsBetween, parseMonth } from "../../metrics/months.js";
import { issueReportText } from "../../metrics/text-report.js";
import { loadScanConfig } from "../../scan/config.js";
import { loadTelemetry, otlpConfigured } from "../../telemetry/otlp-env.js";
import type { CommandContext } from "../command-context.js";
import type { CliIo } from "../io.js";
import { createProgress } from "../progress.js";
import { type GitHubFlags, gitHubClientFor } from "./github-options.js";
import { issueRequest, lastTwelveMonths, parseRepo, withIssueOptions } from "./metrics-options.js";

interface IssuesOptions extends GitHubFlags {
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

const FORMATS = ["text", "json", "html"] as const;

export function registerMetrics(program: Command, context: CommandContext): void {
  const metrics = program.command("metrics").description("security program metrics from GitHub");
  const issues = metrics
    .command("issues")
    .description("security issues opened per calendar month (UTC), closed, time to first response and SLA compliance, against a target")
    .requiredOption("--repo <owner/name>", "repository to count")
    .option("--since <YYYY-MM>", "first month (default: 11 months before --until)")
    .option("--until <YYYY-MM>", "last month (default: this month, UTC)")
    .option("--format <format>", "text, json or html", "text")
    .option("--output <file>", "write the report to a file instead of stdout")
    .option("--otlp", "also export the monthly values over OTLP (endpoint from OTEL_EXPORTER_OTLP_*; on by default when those are set)");
  withIssueOptions(issues).action((o: IssuesOptions) => context.run(() => countIssues(o, context.io)));
}

async function countIssues(o: IssuesOptions, io: CliIo): Promise<ExitCode> {
  const { owner, repo } = parseRepo(o.repo, "--repo");
  if (!(FORMATS as readonly string[]).includes(o.format)) throw new UsageError(`unknown --format "${o.format}"; use text, json or html`);
  const config = loadScanConfig(o.config && resolve(io.cwd, o.config), io.cwd).metrics ?? {};
  const until = o.until ? parseMonth(o.until, "--until") : lastTwelveMonths().until;
  const since = o.since ? parseMonth(o.since, "--since") : addMonths(until, -11);
  const request = { owner, repo, since, until, ...issueRequest(o, config, monthsBetween(since, until).length) };
  if (!io.env.GITHUB_TOKEN && !io.env.GH_TOKEN)
    throw new UsageError("set GITHUB_TOKEN or GH_TOKEN to a token that can read the repository's issues (see README: Security-issue metrics)");

  const octokit = gitHubClientFor(o, io);
  const progress = createProgress(io, "metrics:");
  const report = await collectIssueReport(octokit, { ...request, onProgress: (m) => progress.update(m) }).finally(() => progress.done());

  if (o.otlp || otlpConfigured(io.env)) await (await loadTelemetry()).pushMetricsOnce("rampart-metrics", (meter) => observeIssueReport(meter, () => report));
  const text = o.format === "json" ? `${JSON.stringify(report, null, 2)}\n` : o.format === "html" ? issueReportHtml(report) : issueReportText(report);
  if (o.output) writeReport(resolve(io.cwd, o.output), text);
  else io.stdout.write(text);
  return ExitCode.clean;
}

function writeReport(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw new ConfigError(`cannot write the report (${(error as NodeJS.ErrnoException).code ?? "error"}); check the directory exists and is writable`, {
      file,
    });
  }
}
