import { RampartError } from "../core/errors.js";
import type { GitHubClient } from "../core/github-client.js";
import { failureOf, type GitHubFailure } from "../core/github-failure.js";
import { getJson, listAll } from "../core/github-read.js";
import { shapes } from "./github-shapes.js";

/** A setting the token could read, or why not: the audit never treats "could not see" as "fine". */
export type Seen<T> = { value: T } | { unknown: true; failure: GitHubFailure };

export interface ClassicProtection {
  required_pull_request_reviews?: { required_approving_review_count?: number };
  enforce_admins?: { enabled?: boolean };
  allow_force_pushes?: { enabled?: boolean };
  allow_deletions?: { enabled?: boolean };
}
export interface RulesetRule {
  type: string;
  parameters?: { required_approving_review_count?: number };
}
export interface Hook {
  id: number;
  config: { url?: string; insecure_ssl?: string | number; secret?: string };
}
type WorkflowPermissions = { default_workflow_permissions?: string; can_approve_pull_request_reviews?: boolean };

export interface RepoSnapshot {
  fullName: string;
  defaultBranch: string;
  securityAndAnalysis: Seen<Record<string, { status?: string } | undefined>>;
  /** "none" when GitHub says the branch is not protected; "plan" when the repository's plan cannot protect it. */
  protection: Seen<ClassicProtection | "none" | "plan">;
  rulesetRules: Seen<RulesetRule[]>;
  workflowPermissions: Seen<WorkflowPermissions>;
  deployKeys: Seen<Array<{ title?: string; read_only: boolean }>>;
  outsideCollaborators: Seen<Array<{ login: string; permissions?: { admin?: boolean } }>>;
  hooks: Seen<Hook[]>;
  /** Where SECURITY.md was found (`SECURITY.md`, `.github/SECURITY.md`, `acme/.github: docs/SECURITY.md`), or null. */
  securityPolicy: Seen<string | null>;
  privateVulnerabilityReporting: Seen<boolean>;
}

export interface OrgSnapshot {
  org: string;
  /** A user account has no org-level settings: those fields are then absent and their checks report nothing. */
  account: "organization" | "user";
  twoFactorRequired?: Seen<boolean>;
  membersWithout2fa?: Seen<string[]>;
  workflowPermissions?: Seen<WorkflowPermissions>;
  hooks?: Seen<Hook[]>;
  repos: RepoSnapshot[];
  /** Repositories that could not be read at all (a typo, a deleted repo), each with why. */
  skipped: Array<{ path: string; reason: GitHubFailure }>;
}

/** Failures that concern one item; the rest (401, rate limit, timeout, network, unexpected bodies) end the run. */
const PER_ITEM = new Set(["permission", "plan", "branch-missing", "not-found", "gone"]);

/** Every API call of the audit lives here; rules only read the plain JSON this returns. */
export async function takeSnapshot(
  octokit: GitHubClient,
  org: string,
  repoNames: string[] = [],
  onProgress: (m: string) => void = () => {},
): Promise<OrgSnapshot> {
  const orgInfo = await seen(() => getJson<{ two_factor_requirement_enabled?: boolean | null }>(octokit, "GET /orgs/{org}", { org }, shapes.org));
  const account = "unknown" in orgInfo && orgInfo.failure.kind === "not-found" ? await userAccount(octokit, org, orgInfo.failure) : "organization";
  const repos = repoNames.length > 0 ? repoNames : await listRepos(octokit, org, account);
  const snapshot: OrgSnapshot = { org, account, repos: [], skipped: [], ...(account === "organization" ? await orgSettings(octokit, org, orgInfo) : {}) };
  const policies = new SecurityPolicyFinder(octokit);
  for (const [i, name] of repos.entries()) {
    onProgress(`${org}/${name} (${i + 1}/${repos.length})`);
    const repo = await seen(() => repoSnapshot(octokit, org, name, policies));
    if ("value" in repo) snapshot.repos.push(repo.value);
    else snapshot.skipped.push({ path: `${org}/${name}`, reason: repo.failure });
  }
  return snapshot;
}

async function orgSettings(
  octokit: GitHubClient,
  org: string,
  orgInfo: Seen<{ two_factor_requirement_enabled?: boolean | null }>,
): Promise<Partial<OrgSnapshot>> {
  return {
    twoFactorRequired: twoFactor(orgInfo, org),
    membersWithout2fa: await seen(async () =>
      (await listAll<{ login: string }>(octokit, "GET /orgs/{org}/members", { org, filter: "2fa_disabled" }, shapes.member)).map((m) => m.login),
    ),
    workflowPermissions: await seen(() => getJson(octokit, "GET /orgs/{org}/actions/permissions/workflow", { org }, shapes.workflowPermissions)),
    hooks: await seen(() => listAll<Hook>(octokit, "GET /orgs/{org}/hooks", { org }, shapes.hook)),
  };
}

/** `--org` may name a user: GitHub answers 404 for /orgs/{user}, and /users/{name} tells which it is. */
async function userAccount(octokit: GitHubClient, name: string, orgFailure: GitHubFailure): Promise<"user"> {
  const user = await seen(() => getJson<{ type?: string }>(octokit, "GET /users/{username}", { username: name }, shapes.user));
  if ("value" in user && user.value.type !== "Organization") return "user";
  throw new RampartError(
    `GitHub has no organization or user "${name}" visible to this token (${orgFailure.endpoint}: 404); check --org and the token's access`,
  );
}

async function listRepos(octokit: GitHubClient, owner: string, account: OrgSnapshot["account"]): Promise<string[]> {
  const items =
    account === "user"
      ? await listAll<{ name: string; archived?: boolean }>(octokit, "GET /users/{username}/repos", { username: owner, type: "owner" }, shapes.repoListItem)
      : await listAll<{ name: string; archived?: boolean }>(octokit, "GET /orgs/{org}/repos", { org: owner }, shapes.repoListItem);
  return items.filter((r) => !r.archived).map((r) => r.name);
}

function twoFactor(orgInfo: Seen<{ two_factor_requirement_enabled?: boolean | null }>, org: string): Seen<boolean> {
  if ("unknown" in orgInfo) return orgInfo;
  const value = orgInfo.value.two_factor_requirement_enabled;
  if (typeof value === "boolean") return { value };
  return hidden(`GET /orgs/${org}`, "GitHub shows the 2FA requirement to organization owners only");
}

async function repoSnapshot(octokit: GitHubClient, owner: string, repo: string, policies: SecurityPolicyFinder): Promise<RepoSnapshot> {
  const info = await getJson<{ full_name: string; default_branch: string; security_and_analysis?: Record<string, { status?: string }> | null }>(
    octokit,
    "GET /repos/{owner}/{repo}",
    { owner, repo },
    shapes.repo,
  );
  const branch = info.default_branch;
  const ask = { owner, repo };
  const sa = info.security_and_analysis;
  return {
    fullName: info.full_name,
    defaultBranch: branch,
    // GitHub omits security_and_analysis (or sends null) for tokens without admin rights: unknown, not "off".
    securityAndAnalysis: sa
      ? { value: sa }
      : hidden(`GET /repos/${owner}/${repo}`, `GitHub sent security_and_analysis: ${sa === null ? "null" : "nothing"} (it shows it to admins only)`),
    protection: await classicProtection(octokit, owner, repo, branch),
    rulesetRules: await seen(() => listAll<RulesetRule>(octokit, "GET /repos/{owner}/{repo}/rules/branches/{branch}", { ...ask, branch }, shapes.rule)),
    workflowPermissions: await seen(() => getJson(octokit, "GET /repos/{owner}/{repo}/actions/permissions/workflow", ask, shapes.workflowPermissions)),
    deployKeys: await seen(() => listAll(octokit, "GET /repos/{owner}/{repo}/keys", ask, shapes.deployKey)),
    outsideCollaborators: await seen(() =>
      listAll(octokit, "GET /repos/{owner}/{repo}/collaborators", { ...ask, affiliation: "outside" }, shapes.collaborator),
    ),
    hooks: await seen(() => listAll<Hook>(octokit, "GET /repos/{owner}/{repo}/hooks", ask, shapes.hook)),
    securityPolicy: await policies.find(owner, repo),
    privateVulnerabilityReporting: await seen(
      async () =>
        (await getJson<{ enabled: boolean }>(octokit, "GET /repos/{owner}/{repo}/private-vulnerability-reporting", ask, shapes.privateVulnerabilityReporting))
          .enabled,
    ),
  };
}

/** 404 "Branch not protected" is an answer (no protection), and so is a plan that cannot protect it at all. */
async function classicProtection(octokit: GitHubClient, owner: string, repo: string, branch: string): Promise<RepoSnapshot["protection"]> {
  const s = await seen(() =>
    getJson<ClassicProtection>(octokit, "GET /repos/{owner}/{repo}/branches/{branch}/protection", { owner, repo, branch }, shapes.protection),
  );
  if ("value" in s) return s;
  if (s.failure.kind === "not-found" && /not protected/i.test(s.failure.detail)) return { value: "none" };
  if (s.failure.kind === "plan") return { value: "plan" };
  return s;
}

/**
 * SECURITY.md as GitHub finds it: in the repository's root, `.github/` or `docs/`, else in the same places of
 * the owner's `.github` repository (read once per owner). Names are matched case-insensitively, as GitHub does.
 */
class SecurityPolicyFinder {
  private readonly fallback = new Map<string, Promise<Seen<string | null>>>();
  constructor(private readonly octokit: GitHubClient) {}

  async find(owner: string, repo: string): Promise<Seen<string | null>> {
    const own = await this.inRepo(owner, repo);
    if ("value" in own && own.value !== null) return own;
    if (repo === ".github") return own;
    if (!this.fallback.has(owner)) this.fallback.set(owner, this.inRepo(owner, ".github"));
    const shared = await this.fallback.get(owner)!;
    if ("value" in shared && shared.value !== null) return { value: `${owner}/.github: ${shared.value}` };
    return "unknown" in own ? own : { value: null };
  }

  private async inRepo(owner: string, repo: string): Promise<Seen<string | null>> {
    let unknown: Seen<never> | undefined;
    for (const dir of ["", ".github", "docs"]) {
      const listing = await seen(() =>
        getJson<Array<{ name: string }> | { name: string }>(
          this.octokit,
          "GET /repos/{owner}/{repo}/contents/{path}",
          { owner, repo, path: dir },
          shapes.contents,
        ),
      );
      if ("unknown" in listing) {
        if (listing.failure.kind !== "not-found") unknown ??= listing;
        continue;
      }
      const names = Array.isArray(listing.value) ? listing.value.map((e) => e.name) : [];
      const hit = names.find((n) => /^security(\.(md|markdown|txt|rst))?$/i.test(n));
      if (hit) return { value: dir ? `${dir}/${hit}` : hit };
    }
    return unknown ?? { value: null };
  }
}

function hidden(endpoint: string, detail: string): { unknown: true; failure: GitHubFailure } {
  return { unknown: true, failure: { kind: "permission", status: 200, endpoint, detail } };
}

async function seen<T>(call: () => Promise<T>): Promise<Seen<T>> {
  try {
    return { value: await call() };
  } catch (error) {
    if (typeof (error as { status?: unknown }).status !== "number") throw error;
    const failure = failureOf(error);
    if (PER_ITEM.has(failure.kind)) return { unknown: true, failure };
    throw error;
  }
}
