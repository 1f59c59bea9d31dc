import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { orgRoutes } from "../support/github-org-fixture.js";
import { type GitHubStandin, notFound, type StandinRoute, standinPerTest } from "../support/github-standin.js";

const startStandin = standinPerTest();
let standin: GitHubStandin;

async function audit(routes: StandinRoute[], args: string[] = []) {
  standin = await startStandin(routes);
  return runCli(["audit", "github", "--org", "acme", "--api-url", standin.url, "--format", "json", ...args], { env: { GITHUB_TOKEN: "test-token" } });
}

/** The org- and repo-level rules these tests expect for the fixture organisation: each broken, or each unknown when it cannot be read. */
const ORG_AND_REPO_RULES = [
  "github-org-2fa-not-required",
  "github-members-without-2fa",
  "github-workflow-token-can-write",
  "github-default-branch-unprotected",
  "github-secret-scanning-off",
  "github-deploy-key-write",
  "github-outside-collaborator-admin",
  "github-webhook-insecure",
  "github-org-webhook-insecure",
  "github-no-security-policy",
];

const ids = (stdout: string) => JSON.parse(stdout).findings as Array<{ ruleId: string; path: string; severity: string; tags?: string[]; message: string }>;

describe("rampart audit github", () => {
  it("reports every listed bad setting across paginated repos, waiting out a secondary rate limit", async () => {
    const repos = [
      { name: "api", secure: false },
      { name: "web", secure: false },
      { name: "docs", secure: false },
    ];
    standin = await startStandin(orgRoutes("acme", false, repos));
    standin.secondaryRateLimitOnce("/repos/acme/web/hooks", 1);
    const result = await runCli(["audit", "github", "--org", "acme", "--api-url", standin.url, "--format", "json"], { env: { GITHUB_TOKEN: "test-token" } });
    expect(result.code).toBe(1);
    const findings = ids(result.stdout);
    const byRule = new Set(findings.map((f) => f.ruleId));
    for (const id of ORG_AND_REPO_RULES) {
      expect(byRule.has(id), id).toBe(true);
    }
    expect(new Set(findings.filter((f) => f.ruleId === "github-deploy-key-write").map((f) => f.path))).toEqual(new Set(["acme/api", "acme/web", "acme/docs"]));
    expect(standin.requests.some((r) => r.includes("/orgs/acme/repos") && r.includes("page=2"))).toBe(true);
    expect(standin.requests.filter((r) => r.startsWith("GET /repos/acme/web/hooks")).length).toBe(2);
    expect(result.stdout).not.toContain("token=abc");
    expect(findings.some((f) => f.tags?.includes("unknown"))).toBe(false);
  });

  it("reports nothing of those kinds for a well-configured org", async () => {
    const result = await audit(
      orgRoutes("acme", true, [
        { name: "api", secure: true },
        { name: "web", secure: true },
      ]),
    );
    expect(ids(result.stdout)).toEqual([]);
    expect(result.code).toBe(0);
  });

  it("reports unknown, with the permission needed, where the token cannot see", async () => {
    const result = await audit(orgRoutes("acme", true, [{ name: "api", secure: true, limited: true }], false), ["--format", "json"]);
    const unknown = ids(result.stdout).filter((f) => f.tags?.includes("unknown"));
    expect(new Set(unknown.map((f) => f.ruleId))).toEqual(new Set(ORG_AND_REPO_RULES));
    expect(unknown.every((f) => f.severity === "info" && /the token needs .+/.test(f.message))).toBe(true);
    const text = await runCli(["audit", "github", "--org", "acme", "--api-url", standin.url, "--format", "text"], { env: { GITHUB_TOKEN: "t" } });
    expect(text.stdout).toContain("unknown: could not read");
  });

  it("says what to do without a token or when the org does not exist", async () => {
    const noToken = await runCli(["audit", "github", "--org", "acme", "--api-url", "http://127.0.0.1:9"], { env: { GITHUB_TOKEN: "", GH_TOKEN: "" } });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain("GITHUB_TOKEN");
    const missing = await audit([
      { path: "/orgs/acme/repos", reply: notFound() },
      { path: "/orgs/acme", reply: notFound() },
    ]);
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
