import { forbidden, paginated, type StandinRoute } from "./github-standin.js";

/**
 * A GitHub organisation as the stand-in serves it, for `rampart audit github`: secure or not, with repos
 * whose admin settings the token may not see. Shared by the audit tests and the security lead's guide.
 */
export interface RepoFixture {
  name: string;
  secure: boolean;
  /** The token cannot see admin-only settings of this repo. */
  limited?: boolean;
}

export function repoRoutes(org: string, r: RepoFixture): StandinRoute[] {
  const base = `/repos/${org}/${r.name}`;
  const deny = r.limited ? forbidden("Must have admin rights to Repository.") : undefined;
  const enabled = { status: "enabled" };
  const disabled = { status: "disabled" };
  return [
    { path: base, reply: { status: 200, body: { name: r.name, full_name: `${org}/${r.name}`, default_branch: "main", archived: false, ...(r.limited ? {} : { security_and_analysis: r.secure ? { secret_scanning: enabled, secret_scanning_push_protection: enabled, dependabot_security_updates: enabled } : { secret_scanning: disabled, secret_scanning_push_protection: disabled, dependabot_security_updates: enabled } }) } } },
    { path: `${base}/branches/main/protection`, reply: deny ?? (r.secure ? { status: 200, body: { required_pull_request_reviews: { required_approving_review_count: 1 }, allow_force_pushes: { enabled: false }, allow_deletions: { enabled: false } } } : { status: 404, body: { message: "Branch not protected" } }) },
    { path: `${base}/rules/branches/main`, reply: { status: 200, body: [] } },
    { path: `${base}/actions/permissions/workflow`, reply: deny ?? { status: 200, body: { default_workflow_permissions: r.secure ? "read" : "write", can_approve_pull_request_reviews: !r.secure } } },
    { path: `${base}/keys`, reply: deny ?? paginated(r.secure ? [{ id: 1, title: "ci", read_only: true }] : [{ id: 1, title: "legacy deploy", read_only: false }]) },
    { path: `${base}/collaborators`, reply: deny ?? paginated(r.secure ? [] : [{ login: "contractor", permissions: { admin: true } }]) },
    { path: `${base}/hooks`, reply: deny ?? paginated(r.secure ? [{ id: 7, config: { url: "https://hooks.example.com/x", insecure_ssl: "0", secret: "********" } }] : [{ id: 9, config: { url: "http://hooks.example.com/x?token=abc", insecure_ssl: "1" } }]) },
    { path: `${base}/community/profile`, reply: { status: 200, body: { files: { security_policy: r.secure ? { url: "x" } : null } } } },
    { path: `${base}/private-vulnerability-reporting`, reply: deny ?? { status: 200, body: { enabled: r.secure } } },
  ];
}

export function orgRoutes(org: string, secureOrg: boolean, repos: RepoFixture[], ownerToken = true): StandinRoute[] {
  return [
    { path: `/orgs/${org}`, reply: { status: 200, body: { login: org, two_factor_requirement_enabled: ownerToken ? secureOrg : null } } },
    { path: `/orgs/${org}/members`, reply: ownerToken ? paginated(secureOrg ? [] : [{ login: "bob" }, { login: "eve" }]) : { status: 422, body: { message: "Only owners can use this filter." } } },
    { path: `/orgs/${org}/actions/permissions/workflow`, reply: ownerToken ? { status: 200, body: { default_workflow_permissions: secureOrg ? "read" : "write", can_approve_pull_request_reviews: false } } : forbidden() },
    { path: `/orgs/${org}/repos`, reply: paginated(repos.map((r) => ({ name: r.name, archived: false })), 30, 2) },
    ...repos.flatMap((r) => repoRoutes(org, r)),
  ];
}
