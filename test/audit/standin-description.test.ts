import { afterEach, describe, expect, it } from "vitest";
import { templateOf, unknownFields } from "../support/github-description.js";
import { type GitHubStandin, startGitHubStandin } from "../support/github-standin.js";

/** The stand-in holds fixtures to GitHub's own description: a field GitHub never sends fails the test using it. */
let standin: GitHubStandin | undefined;
afterEach(async () => {
  await standin?.close();
  standin = undefined;
});

describe("the GitHub stand-in's schema check", () => {
  it("flags a fixture field GitHub's schema does not have (the invented files.security_policy)", async () => {
    standin = await startGitHubStandin([
      { path: "/repos/acme/api/community/profile", reply: { status: 200, body: { health_percentage: 40, files: { security_policy: { url: "x" } } } } },
    ]);
    await fetch(`${standin.url}/repos/acme/api/community/profile`);
    expect(standin.violations).toEqual(["GET /repos/{owner}/{repo}/community/profile: /files/security_policy"]);
  });

  it("passes fields the schema has, inside lists and combined schemas too", () => {
    expect(
      unknownFields("GET", "/repos/{owner}/{repo}/rules/branches/{branch}", 200, [
        { type: "pull_request", parameters: { required_approving_review_count: 1 } },
      ]),
    ).toEqual([]);
    expect(unknownFields("GET", "/repos/{owner}/{repo}/rules/branches/{branch}", 200, [{ type: "deletion", enforced: true }])).toEqual(["/0/enforced"]);
  });

  it("maps concrete paths to the description's templates, the contents API's path included", () => {
    expect(templateOf("GET", "/repos/acme/api/hooks")).toBe("/repos/{owner}/{repo}/hooks");
    expect(templateOf("GET", "/orgs/acme/hooks")).toBe("/orgs/{org}/hooks");
    expect(templateOf("GET", "/repos/acme/api/contents")).toBe("/repos/{owner}/{repo}/contents/{path}");
    expect(templateOf("GET", "/repos/acme/api/contents/docs/SECURITY.md")).toBe("/repos/{owner}/{repo}/contents/{path}");
  });

  it("serves the description's example, paginated where the operation paginates", async () => {
    standin = await startGitHubStandin([], { described: true });
    const res = await fetch(`${standin.url}/repos/o/r/keys?per_page=1`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as unknown[])[0]).toHaveProperty("read_only");
    expect(res.headers.get("link")).toContain('rel="last"');
  });
});
