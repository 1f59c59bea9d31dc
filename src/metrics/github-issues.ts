import type { GitHubClient } from "../core/github-client.js";
import { gitHubError } from "../core/github-client.js";
import type { Advisory, SecurityIssue } from "./issue-report.js";
import { addMonths, monthStart, type MonthKey } from "./months.js";

export interface IssueQuery {
  owner: string;
  repo: string;
  labels: string[];
  since: MonthKey;
  until: MonthKey;
  onProgress?: (message: string) => void;
}

export interface FetchedIssues {
  issues: SecurityIssue[];
  /** undefined when the token cannot read the repository's security advisories. */
  advisories: Advisory[] | undefined;
  notes: string[];
}

interface IssueItem {
  id: number;
  number: number;
  created_at: string;
  closed_at: string | null;
  pull_request?: unknown;
  user: { login: string; type?: string } | null;
}

/**
 * Security issues of a repository: one listing per label, since GitHub's `labels` filter means "all of these"
 * and we want "any of these"; pull requests (which the issues API returns too) and bot reports are dropped.
 */
export async function fetchSecurityIssues(octokit: GitHubClient, q: IssueQuery): Promise<FetchedIssues> {
  const byId = new Map<number, IssueItem>();
  for (const label of q.labels) {
    q.onProgress?.(`listing issues labelled ${label}`);
    const items = (await listIssues(octokit, q, label)) as IssueItem[];
    for (const item of items) if (!item.pull_request && item.user?.type !== "Bot") byId.set(item.id, item);
  }
  const from = monthStart(q.since).getTime();
  const to = monthStart(addMonths(q.until, 1)).getTime();
  const inRange = [...byId.values()].filter((i) => Date.parse(i.created_at) >= from && Date.parse(i.created_at) < to);
  const responses = new Map<number, string | undefined>();
  for (const [index, item] of inRange.entries()) {
    q.onProgress?.(`first responses ${index + 1}/${inRange.length}`);
    responses.set(item.id, await firstResponse(octokit, q, item));
  }
  const issues = [...byId.values()].map((i) => toIssue(i, responses.get(i.id)));
  const advisories = await listAdvisories(octokit, q);
  const notes = advisories ? [] : ["advisories: the token cannot read repository security advisories (it needs the repository_advisories:read permission, or security manager / admin access)"];
  return { issues, advisories, notes };
}

async function listIssues(octokit: GitHubClient, q: IssueQuery, label: string): Promise<unknown[]> {
  try {
    // `since` filters on the last update, which is never before creation: a safe lower bound, refined by created_at.
    return await octokit.paginate(octokit.rest.issues.listForRepo, { owner: q.owner, repo: q.repo, state: "all", labels: label, since: monthStart(q.since).toISOString(), per_page: 100 });
  } catch (error) {
    throw gitHubError(error, `repository "${q.owner}/${q.repo}"`);
  }
}

async function firstResponse(octokit: GitHubClient, q: IssueQuery, item: IssueItem): Promise<string | undefined> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner: q.owner, repo: q.repo, issue_number: item.number, per_page: 100 });
  const reply = comments.find((c) => c.user?.login !== item.user?.login && c.user?.type !== "Bot");
  return reply?.created_at;
}

async function listAdvisories(octokit: GitHubClient, q: IssueQuery): Promise<Advisory[] | undefined> {
  try {
    const items = await octokit.paginate("GET /repos/{owner}/{repo}/security-advisories", { owner: q.owner, repo: q.repo, per_page: 100 });
    return (items as Array<{ created_at: string }>).map((a) => ({ createdAt: a.created_at }));
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 403 || status === 404) return undefined;
    throw gitHubError(error, `security advisories of "${q.owner}/${q.repo}"`);
  }
}

function toIssue(item: IssueItem, firstResponseAt: string | undefined): SecurityIssue {
  return { number: item.number, createdAt: item.created_at, ...(item.closed_at ? { closedAt: item.closed_at } : {}), ...(firstResponseAt ? { firstResponseAt } : {}) };
}
