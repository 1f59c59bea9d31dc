import type { GitHubClient } from "../core/github-client.js";
import { failureOf, gitHubError } from "../core/github-failure.js";
import { listAll } from "../core/github-read.js";
import type { Advisory, SecurityIssue } from "./issue-report.js";
import { addMonths, type MonthKey, monthStart } from "./months.js";

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
  closed_at?: string | null;
  pull_request?: unknown;
  user: { login?: string; type?: string } | null;
}

interface CommentItem {
  created_at: string;
  issue_url: string;
  user: { login?: string; type?: string } | null;
}

/** The fields read from GitHub's issue and comment lists; anything else in a body is an error naming the endpoint. */
const user = { type: ["object", "null"], properties: { login: { type: "string" }, type: { type: "string" } } };
const issueShape = {
  type: "object",
  required: ["id", "number", "created_at"],
  properties: { id: { type: "integer" }, number: { type: "integer" }, created_at: { type: "string" }, closed_at: { type: ["string", "null"] }, user },
};
const commentShape = {
  type: "object",
  required: ["created_at", "issue_url"],
  properties: { created_at: { type: "string" }, issue_url: { type: "string" }, user },
};
const advisoryShape = { type: "object", required: ["created_at"], properties: { created_at: { type: "string" } } };

/**
 * Security issues of a repository: one listing per label, since GitHub's `labels` filter means "all of these"
 * and we want "any of these"; pull requests (which the issues API returns too) and bot reports are dropped.
 * First responses come from one repository-wide comment listing, not one request per issue.
 */
export async function fetchSecurityIssues(octokit: GitHubClient, q: IssueQuery): Promise<FetchedIssues> {
  const byId = new Map<number, IssueItem>();
  for (const label of q.labels) {
    q.onProgress?.(`listing issues labelled ${label}`);
    for (const item of await listIssues(octokit, q, label)) if (!item.pull_request && item.user?.type !== "Bot") byId.set(item.id, item);
  }
  const from = monthStart(q.since).getTime();
  const to = monthStart(addMonths(q.until, 1)).getTime();
  const inRange = [...byId.values()].filter((i) => Date.parse(i.created_at) >= from && Date.parse(i.created_at) < to);
  q.onProgress?.("listing comments");
  const responses = inRange.length === 0 ? new Map<number, string>() : firstResponses(inRange, await listComments(octokit, q));
  const issues = [...byId.values()].map((i) => toIssue(i, responses.get(i.number)));
  const advisories = await listAdvisories(octokit, q);
  const notes = advisories
    ? []
    : [
        "advisories: the token cannot read repository security advisories (it needs the repository_advisories:read permission, or security manager / admin access)",
      ];
  return { issues, advisories, notes };
}

async function listIssues(octokit: GitHubClient, q: IssueQuery, label: string): Promise<IssueItem[]> {
  try {
    // `since` filters on the last update, which is never before creation: a safe lower bound, refined by created_at.
    return await listAll<IssueItem>(
      octokit,
      "GET /repos/{owner}/{repo}/issues",
      { owner: q.owner, repo: q.repo, state: "all", labels: label, since: monthStart(q.since).toISOString() },
      issueShape,
    );
  } catch (error) {
    throw gitHubError(error, `issues of "${q.owner}/${q.repo}"`);
  }
}

/** Every comment updated since the first month: a reply to an issue opened then cannot be older. */
async function listComments(octokit: GitHubClient, q: IssueQuery): Promise<CommentItem[]> {
  try {
    return await listAll<CommentItem>(
      octokit,
      "GET /repos/{owner}/{repo}/issues/comments",
      { owner: q.owner, repo: q.repo, since: monthStart(q.since).toISOString(), sort: "created", direction: "asc" },
      commentShape,
    );
  } catch (error) {
    throw gitHubError(error, `issue comments of "${q.owner}/${q.repo}"`);
  }
}

/** Issue number → time of the first comment by someone other than the author (bots excluded). */
function firstResponses(issues: IssueItem[], comments: CommentItem[]): Map<number, string> {
  const authors = new Map(issues.map((i) => [i.number, i.user?.login]));
  const first = new Map<number, string>();
  for (const c of comments) {
    const number = Number(/\/issues\/(\d+)$/.exec(c.issue_url)?.[1]);
    if (!authors.has(number) || c.user?.type === "Bot" || c.user?.login === authors.get(number)) continue;
    const seen = first.get(number);
    if (!seen || Date.parse(c.created_at) < Date.parse(seen)) first.set(number, c.created_at);
  }
  return first;
}

async function listAdvisories(octokit: GitHubClient, q: IssueQuery): Promise<Advisory[] | undefined> {
  try {
    const items = await listAll<{ created_at: string }>(
      octokit,
      "GET /repos/{owner}/{repo}/security-advisories",
      { owner: q.owner, repo: q.repo },
      advisoryShape,
    );
    return items.map((a) => ({ createdAt: a.created_at }));
  } catch (error) {
    const kind = typeof (error as { status?: unknown }).status === "number" ? failureOf(error).kind : undefined;
    if (kind === "permission" || kind === "not-found") return undefined;
    throw gitHubError(error, `security advisories of "${q.owner}/${q.repo}"`);
  }
}

function toIssue(item: IssueItem, firstResponseAt: string | undefined): SecurityIssue {
  return {
    number: item.number,
    createdAt: item.created_at,
    ...(item.closed_at ? { closedAt: item.closed_at } : {}),
    ...(firstResponseAt ? { firstResponseAt } : {}),
  };
}
