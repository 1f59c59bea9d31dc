import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { EXPECTED_MONTHS, issueRoutes } from "../support/github-issue-fixture.js";
import { type GitHubStandin, type StandinRoute, standinPerTest } from "../support/github-standin.js";

/** `metrics issues` against an API that misbehaves: each case ended in a JS error, a hang or silent zeros before. */
const startStandin = standinPerTest();
let standin: GitHubStandin;

const TOKEN = "ghp_abcdefghijklmnopqrstuvwxyz0123456789AB";
const RANGE = ["metrics", "issues", "--repo", "acme/agent", "--label", "security", "--label", "vulnerability", "--since", "2026-01", "--until", "2026-06"];

async function issues(overrides: StandinRoute[], args: string[] = []) {
  standin = await startStandin([...overrides, ...issueRoutes({ advisories: "two-in-february" })]);
  return runCli([...RANGE, "--api-url", standin.url, ...args], { env: { GITHUB_TOKEN: TOKEN } });
}

describe("metrics issues over a real HTTP stand-in", () => {
  it("reads first responses from one repository-wide comment listing, so a vanished issue (410) cannot end the run", async () => {
    const r = await issues(
      [{ path: "/repos/acme/agent/issues/3/comments", reply: { status: 410, body: { message: "This issue was deleted" } } }],
      ["--format", "json"],
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).months).toEqual(EXPECTED_MONTHS);
    expect(standin.requests.filter((q) => /\/issues\/\d+\/comments/.test(q))).toEqual([]);
    expect(
      standin.requests.filter((q) => q.startsWith("GET /repos/acme/agent/issues/comments?")).every((q) => q.includes("since=2026-01-01T00%3A00%3A00.000Z")),
    ).toBe(true);
  });

  it("a null body is exit 2 naming the endpoint, never months of zeros", async () => {
    const r = await issues([{ path: "/repos/acme/agent/issues", reply: { status: 200, body: null } }]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("GET /repos/acme/agent/issues");
    standin.violations.length = 0;
  });

  it("wrongly typed comments are exit 2 naming the endpoint, without a JS error", async () => {
    const r = await issues([{ path: "/repos/acme/agent/issues/comments", reply: { status: 200, body: { comments: [] } } }]);
    standin.violations.length = 0;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("GET /repos/acme/agent/issues/comments");
    expect(r.stderr).not.toMatch(/TypeError|Cannot (read|use)|is not a function/);
  });

  it("never prints the token an error body echoes back", async () => {
    const r = await issues([
      { path: "/repos/acme/agent/issues", reply: (req) => ({ status: 403, body: { message: `Forbidden for ${req.headers.authorization}` } }) },
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Forbidden");
    expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN.slice(4, 30));
  });

  it("gives up on a server that sends headers and then nothing, after --timeout", async () => {
    standin = await startStandin(issueRoutes({ advisories: "two-in-february" }), { silent: "headers" });
    const started = Date.now();
    const r = await runCli([...RANGE, "--api-url", standin.url, "--timeout", "1"], { env: { GITHUB_TOKEN: TOKEN } });
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/in time/);
  });

  it("a rate limit longer than --max-wait ends the run naming the reset time", async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    const r = await issues(
      [
        {
          path: "/repos/acme/agent/issues",
          reply: { status: 403, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) }, body: { message: "API rate limit exceeded" } },
        },
      ],
      ["--max-wait", "60"],
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(new Date(reset * 1000).toISOString().slice(0, 16));
  });
});
