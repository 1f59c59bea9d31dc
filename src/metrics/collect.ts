import type { GitHubClient } from "../core/github-client.js";
import { fetchSecurityIssues } from "./github-issues.js";
import { buildIssueReport, type IssueReport } from "./issue-report.js";
import { type MonthKey, monthsBetween } from "./months.js";

export interface IssueReportRequest {
  owner: string;
  repo: string;
  labels: string[];
  since: MonthKey;
  until: MonthKey;
  slaMs: number;
  target?: { percent: number; baselineMonths: number };
  onProgress?: (message: string) => void;
}

/** Reads the repository's security issues from GitHub and builds the monthly report (one call, for the CLI and serve-metrics). */
export async function collectIssueReport(octokit: GitHubClient, request: IssueReportRequest, now = new Date()): Promise<IssueReport> {
  const { owner, repo, labels, since, until } = request;
  const fetched = await fetchSecurityIssues(octokit, { owner, repo, labels, since, until, ...(request.onProgress ? { onProgress: request.onProgress } : {}) });
  return buildIssueReport({
    repo: `${owner}/${repo}`,
    labels,
    months: monthsBetween(since, until),
    issues: fetched.issues,
    advisories: fetched.advisories,
    slaMs: request.slaMs,
    now,
    notes: fetched.notes,
    ...(request.target ? { target: request.target } : {}),
  });
}
