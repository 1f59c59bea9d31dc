import { afterEach, describe, expect, it } from "vitest";
import { forbidden, notFound, paginated, startGitHubStandin, type GitHubStandin, type StandinRoute } from "../support/github-standin.js";
import { runCli } from "../support/cli.js";

interface RepoFixture {
  name: string;
  secure: boolean;
  /** The token cannot see admin-only settings of this repo. */
  limited?: boolean;
}

function repoRoutes(org: string, r: RepoFixture): StandinRoute[] {
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

function orgRoutes(org: string, secureOrg: boolean, repos: RepoFixture[], ownerToken = true): StandinRoute[] {
  return [
    { path: `/orgs/${org}`, reply: { status: 200, body: { login: org, two_factor_requirement_enabled: ownerToken ? secureOrg : null } } },
    { path: `/orgs/${org}/members`, reply: ownerToken ? paginated(secureOrg ? [] : [{ login: "bob" }, { login: "eve" }]) : { status: 422, body: { message: "Only owners can use this filter." } } },
    { path: `/orgs/${org}/actions/permissions/workflow`, reply: ownerToken ? { status: 200, body: { default_workflow_permissions: secureOrg ? "read" : "write", can_approve_pull_request_reviews: false } } : forbidden() },
    { path: `/orgs/${org}/repos`, reply: paginated(repos.map((r) => ({ name: r.name, archived: false })), 30, 2) },
    ...repos.flatMap((r) => repoRoutes(org, r)),
  ];
}

let standin: GitHubStandin | undefined;
afterEach(async () => {
  await standin?.close();
  standin = undefined;
});

async function audit(routes: StandinRoute[], args: string[] = []) {
  standin = await startGitHubStandin(routes);
  return runCli(["audit", "github", "--org", "acme", "--api-url", standin.url, "--format", "json", ...args], { env: { GITHUB_TOKEN: "test-token" } });
}

const ids = (stdout: string) => (JSON.parse(stdout).findings as Array<{ ruleId: string; path: string; severity: string; tags?: string[]; message: string }>);

describe("rampart audit github", () => {
  it("reports every listed bad setting across paginated repos, waiting out a secondary rate limit", async () => {
    const repos = [{ name: "api", secure: false }, { name: "web", secure: false }, { name: "docs", secure: false }];
    standin = await startGitHubStandin(orgRoutes("acme", false, repos));
    standin.secondaryRateLimitOnce("/repos/acme/web/hooks", 1);
    const result = await runCli(["audit", "github", "--org", "acme", "--api-url", standin.url, "--format", "json"], { env: { GITHUB_TOKEN: "test-token" } });
    expect(result.code).toBe(1);
    const findings = ids(result.stdout);
    const byRule = new Set(findings.map((f) => f.ruleId));
    for (const id of ["github-org-2fa-not-required", "github-members-without-2fa", "github-workflow-token-can-write", "github-default-branch-unprotected", "github-secret-scanning-off", "github-deploy-key-write", "github-outside-collaborator-admin", "github-webhook-insecure", "github-no-security-policy"]) {
      expect(byRule.has(id), id).toBe(true);
    }
    expect(new Set(findings.filter((f) => f.ruleId === "github-deploy-key-write").map((f) => f.path))).toEqual(new Set(["acme/api", "acme/web", "acme/docs"]));
    expect(standin.requests.some((r) => r.includes("/orgs/acme/repos") && r.includes("page=2"))).toBe(true);
    expect(standin.requests.filter((r) => r.startsWith("GET /repos/acme/web/hooks")).length).toBe(2);
    expect(result.stdout).not.toContain("token=abc");
    expect(findings.some((f) => f.tags?.includes("unknown"))).toBe(false);
  });

  it("reports nothing of those kinds for a well-configured org", async () => {
    const result = await audit(orgRoutes("acme", true, [{ name: "api", secure: true }, { name: "web", secure: true }]));
    expect(ids(result.stdout)).toEqual([]);
    expect(result.code).toBe(0);
  });

  it("reports unknown, with the permission needed, where the token cannot see", async () => {
    const result = await audit(orgRoutes("acme", true, [{ name: "api", secure: true, limited: true }], false), ["--format", "json"]);
    const unknown = ids(result.stdout).filter((f) => f.tags?.includes("unknown"));
    expect(new Set(unknown.map((f) => f.ruleId))).toEqual(new Set(["github-org-2fa-not-required", "github-members-without-2fa", "github-workflow-token-can-write", "github-default-branch-unprotected", "github-secret-scanning-off", "github-deploy-key-write", "github-outside-collaborator-admin", "github-webhook-insecure", "github-no-security-policy"]));
    expect(unknown.every((f) => f.severity === "info" && /the token needs .+/.test(f.message))).toBe(true);
    const text = await runCli(["audit", "github", "--org", "acme", "--api-url", standin!.url, "--format", "text"], { env: { GITHUB_TOKEN: "t" } });
    expect(text.stdout).toContain("unknown: could not read");
  });

  it("says what to do without a token or when the org does not exist", async () => {
    const noToken = await runCli(["audit", "github", "--org", "acme", "--api-url", "http://127.0.0.1:9"], { env: { GITHUB_TOKEN: "", GH_TOKEN: "" } });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain("GITHUB_TOKEN");
    const missing = await audit([{ path: "/orgs/acme/repos", reply: notFound() }, { path: "/orgs/acme", reply: notFound() }]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("404");
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("README", () => {
  it("documents every audit check with its token permission, generated from rules/audit", async () => {
    const { readFileSync } = await import("node:fs");
    const { loadAuditRules } = await import("../../src/audit/audit.js");
    const { renderPermissionTable } = await import("../../src/audit/permission-table.js");
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    expect(readme, "regenerate the table with renderPermissionTable(loadAuditRules())").toContain(renderPermissionTable(loadAuditRules()));
  });
});
