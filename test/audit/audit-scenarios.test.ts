import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { example, exampleItems, listingWith, orgRoutes } from "../support/github-org-fixture.js";
import { forbidden, type GitHubStandin, notFound, paginated, type StandinOptions, type StandinRoute, standinPerTest } from "../support/github-standin.js";

/**
 * Verdicts checked against GitHub's own description: a well-configured org built from the description's example
 * responses, with one setting changed per scenario. Each scenario was a wrong verdict before.
 */
const startStandin = standinPerTest();
let standin: GitHubStandin;

type Finding = { ruleId: string; path: string; severity: string; tags?: string[]; message: string };
const TOKEN = "ghp_1234567890abcdefghijklmnopqrstuvwxyzAB";

async function audit(overrides: StandinRoute[], args: string[] = [], options: StandinOptions = {}) {
  standin = await startStandin([...overrides, ...orgRoutes("acme", true, [{ name: "api", secure: true }])], options);
  const result = await runCli(["audit", "github", "--org", "acme", "--api-url", standin.url, "--format", "json", ...args], { env: { GITHUB_TOKEN: TOKEN } });
  const findings: Finding[] = result.code === 2 ? [] : (JSON.parse(result.stdout).findings as Finding[]);
  return { ...result, findings, of: (rule: string) => findings.filter((f) => f.ruleId === rule) };
}

const base = "/repos/acme/api";
const ok = (body: unknown) => ({ status: 200, body });
const rule = (type: string, parameters?: unknown) => (parameters ? { type, parameters } : { type });
const prRule = (count: number) =>
  rule("pull_request", {
    required_approving_review_count: count,
    dismiss_stale_reviews_on_push: true,
    require_code_owner_review: false,
    require_last_push_approval: false,
    required_review_thread_resolution: false,
  });

describe("audit github: the baseline scenario", () => {
  it("a well-configured org built from the description's examples has no findings", async () => {
    const r = await audit([]);
    expect(r.findings).toEqual([]);
    expect(r.code).toBe(0);
  });

  it("an org that is nothing but GitHub's example responses is audited without a crash", async () => {
    standin = await startStandin([], { described: true });
    const r = await runCli(["audit", "github", "--org", "octocat", "--api-url", standin.url, "--format", "json"], { env: { GITHUB_TOKEN: TOKEN } });
    expect(r.stderr).not.toMatch(/TypeError|Cannot read|is not a function/);
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout).findings as Finding[];
    // The example protection allows force pushes and deletion; the example org hook is plain http with no secret.
    expect(findings.find((f) => f.ruleId === "github-default-branch-unprotected")?.message).toMatch(/force pushes, deletion/);
    expect(findings.find((f) => f.ruleId === "github-org-webhook-insecure")?.message).toMatch(/plain http.*no secret/);
    expect(findings.some((f) => f.ruleId === "github-org-2fa-not-required")).toBe(false);
  });
});

describe("audit github: SECURITY.md through the contents API", () => {
  const noRootPolicy = { path: `${base}/contents`, reply: listingWith("README.md") };
  for (const [where, route] of [
    [".github/", { path: `${base}/contents/.github`, reply: listingWith("security.md") }],
    ["docs/", { path: `${base}/contents/docs`, reply: listingWith("SECURITY.md") }],
    ["the org's .github repository", { path: "/repos/acme/.github/contents/.github", reply: listingWith("SECURITY.md") }],
  ] as const) {
    it(`finds it in ${where}`, async () => {
      const r = await audit([noRootPolicy, route]);
      expect(r.of("github-no-security-policy")).toEqual([]);
    });
  }

  it("reports it missing when none of those places has it", async () => {
    const r = await audit([noRootPolicy]);
    expect(r.of("github-no-security-policy").map((f) => f.message)).toEqual([expect.stringContaining("no SECURITY.md")]);
  });

  it("does not read a fork's missing community profile as a token problem", async () => {
    const r = await audit([
      { path: `${base}/community/profile`, reply: notFound() },
      {
        path: base,
        reply: ok(
          example("/repos/{owner}/{repo}", {
            name: "api",
            full_name: "acme/api",
            default_branch: "main",
            fork: true,
            security_and_analysis: {
              secret_scanning: { status: "enabled" },
              secret_scanning_push_protection: { status: "enabled" },
              dependabot_security_updates: { status: "enabled" },
            },
          }),
        ),
      },
    ]);
    expect(r.findings).toEqual([]);
  });
});

describe("audit github: branch protection from rulesets and classic protection", () => {
  const unprotected = { path: `${base}/branches/main/protection`, reply: { status: 404, body: { message: "Branch not protected" } } };

  it("reads every page of the branch's rules", async () => {
    const filler = Array.from({ length: 30 }, () => rule("required_signatures"));
    const r = await audit([
      unprotected,
      { path: `${base}/rules/branches/main`, reply: paginated([...filler, prRule(1), rule("non_fast_forward"), rule("deletion")], 30, 30) },
    ]);
    expect(standin.requests.some((q) => q.startsWith(`GET ${base}/rules/branches/main`) && q.includes("page=2"))).toBe(true);
    expect(r.of("github-default-branch-unprotected")).toEqual([]);
  });

  it("fails a ruleset pull_request rule that needs no approval", async () => {
    const r = await audit([unprotected, { path: `${base}/rules/branches/main`, reply: paginated([prRule(0), rule("non_fast_forward"), rule("deletion")]) }]);
    expect(r.of("github-default-branch-unprotected").map((f) => f.message)).toEqual(["acme/api: main allows merging with no approving review"]);
  });

  it("fails classic protection with a review count of 0, and one administrators may bypass", async () => {
    const body = example("/repos/{owner}/{repo}/branches/{branch}/protection", {
      required_pull_request_reviews: { required_approving_review_count: 0 },
      allow_force_pushes: { enabled: false },
      allow_deletions: { enabled: false },
      enforce_admins: { enabled: false },
    });
    const r = await audit([{ path: `${base}/branches/main/protection`, reply: ok(body) }]);
    expect(r.of("github-default-branch-unprotected").map((f) => f.message)).toEqual([
      "acme/api: main allows merging with no approving review, administrators to bypass the classic protection",
    ]);
  });

  it("is unknown, not high, when classic protection is unreadable and rulesets cover only part", async () => {
    const r = await audit([
      { path: `${base}/branches/main/protection`, reply: forbidden("Resource not accessible by integration") },
      { path: `${base}/rules/branches/main`, reply: paginated([rule("non_fast_forward"), rule("deletion")]) },
    ]);
    const [f] = r.of("github-default-branch-unprotected");
    expect(f?.tags).toContain("unknown");
    expect(f?.severity).toBe("info");
  });

  it("is satisfied by rulesets alone even when classic protection is unreadable", async () => {
    const r = await audit([
      { path: `${base}/branches/main/protection`, reply: forbidden() },
      { path: `${base}/rules/branches/main`, reply: paginated([prRule(2), rule("non_fast_forward"), rule("deletion")]) },
    ]);
    expect(r.of("github-default-branch-unprotected")).toEqual([]);
  });
});

describe("audit github: error classes told apart", () => {
  it("a plan limit is a finding about the plan, not a token problem", async () => {
    const r = await audit([
      {
        path: `${base}/branches/main/protection`,
        reply: { status: 403, body: { message: "Upgrade to GitHub Pro or make this repository public to enable this feature." } },
      },
    ]);
    const [f] = r.of("github-default-branch-unprotected");
    expect(f?.message).toMatch(/plan/);
    expect(f?.message).not.toMatch(/token needs/);
  });

  it("a missing branch (an empty repository) is unknown naming the branch, not a token problem", async () => {
    const r = await audit([
      { path: `${base}/branches/main/protection`, reply: { status: 404, body: { message: "Branch not found" } } },
      { path: `${base}/rules/branches/main`, reply: paginated([]) },
    ]);
    const [f] = r.of("github-default-branch-unprotected");
    expect(f?.message).toMatch(/branch not found/);
    expect(f?.message).not.toMatch(/token needs/);
  });

  it("a 403 names the permission GitHub says the call needed", async () => {
    const r = await audit([
      {
        path: `${base}/keys`,
        reply: { ...forbidden(), headers: { "x-accepted-github-permissions": "administration=read", "x-accepted-oauth-scopes": "repo" } },
      },
    ]);
    expect(r.of("github-deploy-key-write")[0]?.message).toMatch(/the token needs administration=read \(fine-grained\) or repo \(classic\)/);
  });

  it("a rate limit with a one-hour reset ends the run at once with exit 2 naming the reset time", async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    const started = Date.now();
    const r = await audit([
      {
        path: `${base}/keys`,
        reply: {
          status: 403,
          headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
          body: { message: "API rate limit exceeded for user ID 1." },
        },
      },
    ]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(new Date(reset * 1000).toISOString().slice(0, 16));
    expect(r.stderr).toMatch(/--max-wait/);
  });

  it("an explicit null security_and_analysis is unknown, not all off", async () => {
    const r = await audit([
      { path: base, reply: ok(example("/repos/{owner}/{repo}", { name: "api", full_name: "acme/api", default_branch: "main", security_and_analysis: null })) },
    ]);
    const [f] = r.of("github-secret-scanning-off");
    expect(f?.tags).toContain("unknown");
    expect(f?.message).not.toMatch(/ off$/);
  });
});

describe("audit github: one failure does not end the audit", () => {
  it("--repo good typo: the typo is one named skipped row, good's findings stay", async () => {
    const r = await audit(
      [
        { path: "/repos/acme/typo-repo", reply: notFound() },
        { path: `${base}/keys`, reply: paginated(exampleItems("/repos/{owner}/{repo}/keys", { title: "deploy", read_only: false })) },
      ],
      ["--repo", "api", "typo-repo"],
    );
    expect(r.code).toBe(0);
    expect(r.of("github-deploy-key-write")).toHaveLength(1);
    const summary = JSON.parse(r.stdout).summary as { skipped: Array<{ path: string; reason: string }> };
    expect(summary.skipped).toEqual([{ path: "acme/typo-repo", reason: expect.stringContaining("404") }]);
    expect(r.stderr).toContain("acme/typo-repo");
  });

  it("--org works for a user account through /users/{username}/repos", async () => {
    standin = await startStandin([
      { path: "/orgs/mona", reply: notFound() },
      { path: "/users/mona", reply: ok(example("/users/{username}", { login: "mona", type: "User" })) },
      { path: "/users/mona/repos", reply: paginated(exampleItems("/users/{username}/repos", { name: "api", full_name: "mona/api", archived: false })) },
      ...orgRoutes("mona", true, [{ name: "api", secure: false }]).filter((r) => r.path.startsWith("/repos/")),
    ]);
    const r = await runCli(["audit", "github", "--org", "mona", "--api-url", standin.url, "--format", "json"], { env: { GITHUB_TOKEN: TOKEN } });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout).findings as Finding[];
    expect(findings.some((f) => f.ruleId === "github-deploy-key-write" && f.path === "mona/api")).toBe(true);
    expect(findings.some((f) => f.ruleId === "github-org-2fa-not-required")).toBe(false);
  });

  it("audits organisation webhooks", async () => {
    const r = await audit([
      { path: "/orgs/acme/hooks", reply: paginated(exampleItems("/orgs/{org}/hooks", { config: { url: "http://ci.example.com/hook", insecure_ssl: "1" } })) },
    ]);
    expect(r.of("github-org-webhook-insecure").map((f) => f.message)).toEqual([expect.stringMatching(/plain http, TLS verification off, no secret/)]);
  });
});

describe("audit github: a network that misbehaves", () => {
  it("gives up on a silent API after --timeout", async () => {
    standin = await startStandin([], { silent: "all" });
    const started = Date.now();
    const r = await runCli(["audit", "github", "--org", "acme", "--api-url", standin.url, "--timeout", "1"], { env: { GITHUB_TOKEN: TOKEN } });
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/GET \/orgs\/acme.*in time/);
  });

  for (const [name, reply, endpoint] of [
    ["garbage JSON", { status: 200, body: "{not json", headers: { "x-standin-raw": "1" } }, "/rules/branches/main"],
    ["wrongly typed JSON", { status: 200, body: { rules: "all of them" } }, "/rules/branches/main"],
    ["a null body", { status: 200, body: null }, "/rules/branches/main"],
  ] as const) {
    it(`names the endpoint on ${name}, without a JS error`, async () => {
      standin = await startStandin([{ path: `${base}${endpoint}`, reply }, ...orgRoutes("acme", true, [{ name: "api", secure: true }])]);
      const r = await runCli(["audit", "github", "--org", "acme", "--api-url", standin.url], { env: { GITHUB_TOKEN: TOKEN } });
      standin.violations.length = 0;
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`GET ${base}${endpoint}`);
      expect(r.stderr).not.toMatch(/TypeError|Cannot (read|use)|is not a function|\n\s+at /);
    });
  }

  it("never prints the token when an error body echoes the Authorization header", async () => {
    standin = await startStandin([
      { path: "/orgs/acme/repos", reply: (req) => ({ status: 400, body: { message: `Bad request; you sent Authorization: ${req.headers.authorization}` } }) },
      ...orgRoutes("acme", true, []),
    ]);
    const r = await runCli(["audit", "github", "--org", "acme", "--api-url", standin.url], { env: { GITHUB_TOKEN: TOKEN } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Bad request");
    expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN);
    expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN.slice(4, 30));
  });

  it("refuses --format sarif, which code scanning would reject for findings without a file", async () => {
    const r = await runCli(["audit", "github", "--org", "acme", "--api-url", "http://127.0.0.1:9", "--format", "sarif"], { env: { GITHUB_TOKEN: TOKEN } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/code scanning rejects/);
  });
});
