import type { Command } from "commander";
import { parseDuration } from "../../core/duration.js";
import { UsageError } from "../../core/errors.js";
import type { IssueReportRequest } from "../../metrics/collect.js";
import { addMonths } from "../../metrics/months.js";
import type { MetricsConfig } from "../../scan/config.js";
import { withGitHubLimits } from "./github-options.js";

/** Options `metrics issues` and `serve-metrics` share, as commander hands them over. */
export interface IssueFlags {
  label: string[];
  target?: string;
  baseline: string;
  sla?: string;
}

export const DEFAULT_LABELS = ["security"];

export const ISSUE_FLAG_HELP = {
  label: "label marking a security issue; repeat for several (any matches; default: metrics.issueLabels in rampart.config.yaml, else security)",
  target: "reduction goal against the baseline, e.g. 50",
  baseline: "with --target: how many of the first months form the baseline",
  sla: "response SLA, e.g. 48h or 2d (default: metrics.sla in rampart.config.yaml, else 48h)",
} as const;

export const collectLabel = (value: string, all: string[]): string[] => [...all, value];

/** Declares the options both commands take, so their names, help and defaults cannot drift apart. */
export function withIssueOptions(command: Command): Command {
  return withGitHubLimits(command)
    .option("--label <name>", ISSUE_FLAG_HELP.label, collectLabel, [])
    .option("--target <percent>", ISSUE_FLAG_HELP.target)
    .option("--baseline <months>", ISSUE_FLAG_HELP.baseline, "6")
    .option("--sla <duration>", ISSUE_FLAG_HELP.sla)
    .option("--api-url <url>", "GitHub API base URL (default: GITHUB_API_URL, else https://api.github.com)")
    .option("--config <file>", "config file (default: rampart.config.yaml in the current directory)");
}

export function parseRepo(value: string, flag: string): { owner: string; repo: string } {
  const [owner, repo, extra] = value.split("/");
  if (!owner || !repo || extra !== undefined) throw new UsageError(`${flag} takes OWNER/NAME, like elizaos/eliza, not "${value}"`);
  return { owner, repo };
}

/** Everything but the repository and the months: labels, SLA and target, with the config's defaults. */
export function issueRequest(flags: IssueFlags, config: MetricsConfig, monthCount: number): Omit<IssueReportRequest, "owner" | "repo" | "since" | "until"> {
  const target = parseTarget(flags, monthCount);
  return {
    labels: flags.label.length > 0 ? flags.label : (config.issueLabels ?? DEFAULT_LABELS),
    slaMs: parseDuration(flags.sla ?? config.sla ?? "48h", flags.sla ? "--sla" : "metrics.sla", { positive: true }),
    ...(target ? { target } : {}),
  };
}

/** The default window: the twelve months up to and including the current one (UTC). */
export function lastTwelveMonths(now = new Date()): { since: string; until: string } {
  const until = now.toISOString().slice(0, 7);
  return { since: addMonths(until, -11), until };
}

function parseTarget(flags: IssueFlags, monthCount: number): { percent: number; baselineMonths: number } | undefined {
  if (flags.target === undefined) return undefined;
  const percent = Number(flags.target.replace(/%$/, ""));
  if (!Number.isFinite(percent) || percent <= 0 || percent >= 100)
    throw new UsageError(`--target takes a percent between 0 and 100, like 50, not "${flags.target}"`);
  const baselineMonths = Number(flags.baseline);
  if (!Number.isInteger(baselineMonths) || baselineMonths < 1 || baselineMonths >= monthCount) {
    throw new UsageError(
      `--baseline must be a whole number of months from 1 to ${monthCount - 1} (the range has ${monthCount}); widen --since or lower --baseline`,
    );
  }
  return { percent, baselineMonths };
}
