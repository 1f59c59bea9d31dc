import type { GitHubClient } from "../core/github-client.js";

/** A setting the token could read, or why not: the audit never treats "could not see" as "fine". */
export type Seen<T> = { value: T } | { unknown: true; status: number };

export interface RepoSnapshot {
  fullName: string;
  defaultBranch: string;
  securityAndAnalysis: Seen<Record<string, { status?: string } | undefined> | null>;
  protection: Seen<Record<string, unknown> | "none">;
  rulesetRules: Seen<Array<{ type: string }>>;
  workflowPermissions: Seen<{ default_workflow_permissions?: string; can_approve_pull_request_reviews?: boolean }>;
  deployKeys: Seen<Array<{ title: string; read_only: boolean }>>;
  outsideCollaborators: Seen<Array<{ login: string; permissions?: { admin?: boolean } }>>;
  hooks: Seen<Array<{ id: number; config: { url?: string; insecure_ssl?: string | number; secret?: string } }>>;
  securityPolicy: Seen<boolean>;
  privateVulnerabilityReporting: Seen<boolean>;
}

export interface OrgSnapshot {
  org: string;
  twoFactorRequired: Seen<boolean | null>;
  membersWithout2fa: Seen<string[]>;
  workflowPermissions: Seen<{ default_workflow_permissions?: string; can_approve_pull_request_reviews?: boolean }>;
  repos: RepoSnapshot[];
}

/** Every API call of the audit lives here; rules only read the plain JSON this returns. */
export async function takeSnapshot(octokit: GitHubClient, org: string, repoNames: string[] = [], onProgress: (m: string) => void = () => {}): Promise<OrgSnapshot> {
  const orgInfo = await seen(() => octokit.request("GET /orgs/{org}", { org }));
  const repos = repoNames.length > 0 ? repoNames : (await octokit.paginate("GET /orgs/{org}/repos", { org, per_page: 100 })).filter((r) => !r.archived).map((r) => r.name);
  const snapshot: OrgSnapshot = {
    org,
    twoFactorRequired: map(orgInfo, (o) => (o as { two_factor_requirement_enabled?: boolean | null }).two_factor_requirement_enabled ?? null),
    membersWithout2fa: await seen(async () => ({ data: (await octokit.paginate("GET /orgs/{org}/members", { org, filter: "2fa_disabled", per_page: 100 })).map((m) => m.login) })),
    workflowPermissions: await seen(() => octokit.request("GET /orgs/{org}/actions/permissions/workflow", { org })),
    repos: [],
  };
  for (const [i, name] of repos.entries()) {
    onProgress(`${org}/${name} (${i + 1}/${repos.length})`);
    snapshot.repos.push(await repoSnapshot(octokit, org, name));
  }
  return snapshot;
}

async function repoSnapshot(octokit: GitHubClient, owner: string, repo: string): Promise<RepoSnapshot> {
  const info = (await octokit.request("GET /repos/{owner}/{repo}", { owner, repo })).data as { full_name: string; default_branch: string; security_and_analysis?: Record<string, { status?: string }> | null };
  const branch = info.default_branch;
  const list = <T>(route: string, extra: Record<string, unknown> = {}) => seen(async () => ({ data: (await octokit.paginate(route, { owner, repo, per_page: 100, ...extra })) as T }));
  return {
    fullName: info.full_name,
    defaultBranch: branch,
    // GitHub omits security_and_analysis for tokens without admin rights: that is unknown, not "off".
    securityAndAnalysis: info.security_and_analysis === undefined ? { unknown: true, status: 403 } : { value: info.security_and_analysis },
    protection: await branchProtection(octokit, owner, repo, branch),
    rulesetRules: await seen(() => octokit.request("GET /repos/{owner}/{repo}/rules/branches/{branch}", { owner, repo, branch })),
    workflowPermissions: await seen(() => octokit.request("GET /repos/{owner}/{repo}/actions/permissions/workflow", { owner, repo })),
    deployKeys: await list("GET /repos/{owner}/{repo}/keys"),
    outsideCollaborators: await list("GET /repos/{owner}/{repo}/collaborators", { affiliation: "outside" }),
    hooks: await list("GET /repos/{owner}/{repo}/hooks"),
    securityPolicy: map(await seen(() => octokit.request("GET /repos/{owner}/{repo}/community/profile", { owner, repo })), (p) => Boolean((p as { files?: { security_policy?: unknown } }).files?.security_policy)),
    privateVulnerabilityReporting: map(await seen(() => octokit.request("GET /repos/{owner}/{repo}/private-vulnerability-reporting", { owner, repo })), (p) => Boolean((p as { enabled?: boolean }).enabled)),
  };
}

/** 404 "Branch not protected" is an answer (no protection); any other 403/404 means the token cannot see it. */
async function branchProtection(octokit: GitHubClient, owner: string, repo: string, branch: string): Promise<RepoSnapshot["protection"]> {
  try {
    return { value: (await octokit.request("GET /repos/{owner}/{repo}/branches/{branch}/protection", { owner, repo, branch })).data as Record<string, unknown> };
  } catch (error) {
    const e = error as { status?: number; response?: { data?: { message?: string } } };
    if (e.status === 404 && /not protected/i.test(e.response?.data?.message ?? "")) return { value: "none" };
    if (e.status === 403 || e.status === 404) return { unknown: true, status: e.status };
    throw error;
  }
}

async function seen<T>(call: () => Promise<{ data: T }>): Promise<Seen<T>> {
  try {
    return { value: (await call()).data };
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 403 || status === 404 || status === 422) return { unknown: true, status };
    throw error;
  }
}

function map<T, U>(s: Seen<T>, f: (v: T) => U): Seen<U> {
  return "value" in s ? { value: f(s.value) } : s;
}
