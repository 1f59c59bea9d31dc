import { resolve } from "node:path";
import type { Command } from "commander";
import { parseDuration } from "../../core/duration.js";
import { UsageError } from "../../core/errors.js";
import { ExitCode } from "../../core/exit-code.js";
import { collectIssueReport } from "../../metrics/collect.js";
import { observeIssueReport } from "../../metrics/issue-gauge.js";
import type { IssueReport } from "../../metrics/issue-report.js";
import { loadScanConfig } from "../../scan/config.js";
import { loadTelemetry } from "../../telemetry/otlp-env.js";
import type { CommandContext } from "../command-context.js";
import type { CliIo } from "../io.js";
import { type GitHubFlags, gitHubClientFor } from "./github-options.js";
import { collectLabel, type IssueFlags, issueRequest, lastTwelveMonths, parseRepo, withIssueOptions } from "./metrics-options.js";

interface ServeOptions extends IssueFlags, GitHubFlags {
  port: string;
  host: string;
  issuesRepo: string[];
  refresh: string;
  apiUrl?: string;
  config?: string;
}

export function registerServeMetrics(program: Command, context: CommandContext): void {
  const serveMetrics = program
    .command("serve-metrics")
    .description("serve Rampart's metrics for Prometheus to scrape, including the monthly security-issue gauges of the given repositories")
    .option("--port <port>", "port of the /metrics endpoint", "9464")
    .option("--host <host>", "address to listen on (0.0.0.0 to let other hosts scrape)", "127.0.0.1")
    .option("--issues-repo <owner/name>", "repository whose security issues to count (repeatable)", collectLabel, [])
    .option("--refresh <duration>", "how often to recount from GitHub, e.g. 15m or 1h", "15m");
  withIssueOptions(serveMetrics).action((o: ServeOptions) => context.run(() => serve(o, context.io)));
}

async function serve(o: ServeOptions, io: CliIo): Promise<ExitCode> {
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--port takes a port number from 1 to 65535, not "${o.port}"`);
  const repos = o.issuesRepo.map((r) => parseRepo(r, "--issues-repo"));
  const refreshMs = parseDuration(o.refresh, "--refresh", { positive: true });
  const config = loadScanConfig(o.config && resolve(io.cwd, o.config), io.cwd).metrics ?? {};
  const settings = issueRequest(o, config, 12);
  if (repos.length > 0 && !io.env.GITHUB_TOKEN && !io.env.GH_TOKEN)
    throw new UsageError("--issues-repo needs GITHUB_TOKEN or GH_TOKEN with read access to the repositories' issues");

  const telemetry = await (await loadTelemetry()).startTelemetry({ prometheus: { port, host: o.host }, serviceName: "rampart-metrics" });
  let reports: IssueReport[] = [];
  observeIssueReport(telemetry.meter, () => reports);
  const octokit = gitHubClientFor(o, io);
  const refresh = async () => {
    const next: IssueReport[] = [];
    for (const r of repos) {
      // A failed recount keeps the last good numbers on the endpoint and says why, instead of going blank.
      try {
        next.push(await collectIssueReport(octokit, { ...r, ...lastTwelveMonths(), ...settings }));
      } catch (error) {
        io.stderr.write(`rampart: could not recount ${r.owner}/${r.repo}: ${(error as Error).message}\n`);
        const previous = reports.find((p) => p.repo === `${r.owner}/${r.repo}`);
        if (previous) next.push(previous);
      }
    }
    reports = next;
  };
  await refresh();
  io.stderr.write(`rampart: serving metrics on ${telemetry.prometheusUrl} (${repos.length} repositories, recount every ${o.refresh}); stop with Ctrl-C\n`);
  const timer = setInterval(() => void refresh(), refreshMs);
  await untilSignal();
  clearInterval(timer);
  await telemetry.shutdown();
  return ExitCode.clean;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
