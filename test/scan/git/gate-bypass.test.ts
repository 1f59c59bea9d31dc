import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../support/cli.js";
import { githubToken } from "../../support/tokens.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function repo() {
  const dir = mkdtempSync(join(tmpdir(), "rampart-bypass-"));
  dirs.push(dir);
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, GIT_AUTHOR_NAME: "A", GIT_AUTHOR_EMAIL: "a@example.com", GIT_COMMITTER_NAME: "A", GIT_COMMITTER_EMAIL: "a@example.com" },
    });
  git("init", "-q", "-b", "main");
  git("commit", "-q", "--allow-empty", "-m", "root");
  const write = (file: string, text: string | Buffer) => writeFileSync(join(dir, file), text);
  return { dir, git, write };
}

type Json = { findings: Array<{ path: string; line: number; ruleId: string }>; summary: { skipped: Array<{ path: string; reason: string }> } };
const json = (stdout: string) => JSON.parse(stdout) as Json;

/** Runs the three git modes the Action, init's workflow and the pre-commit hook use; staged first (before the commit). */
async function allGitModes(r: ReturnType<typeof repo>, extra: string[] = []) {
  r.git("add", "-A");
  const staged = await runCli(["scan", "--staged", "--format", "json", ...extra], { cwd: r.dir });
  r.git("commit", "-q", "-m", "change");
  const diff = await runCli(["scan", "--diff", "HEAD~1", "--format", "json", ...extra], { cwd: r.dir });
  const history = await runCli(["scan", "--git-history", "--format", "json", ...extra], { cwd: r.dir });
  return { staged, diff, history };
}

describe("git modes read diffs by hunk counts and NUL-separated names", () => {
  it("finds a token on the line after an added line reading '++ harmless'", async () => {
    const r = repo();
    const token = githubToken();
    r.write("config.txt", `++ harmless\nGITHUB_TOKEN=${token}\n+++ b/other\n`);
    for (const [mode, result] of Object.entries(await allGitModes(r))) {
      expect(result.code, `${mode}: ${result.stderr}`).toBe(1);
      expect(
        json(result.stdout).findings.some((f) => f.path === "config.txt" && f.line === 2),
        mode,
      ).toBe(true);
      expect(result.stdout).not.toContain(token);
    }
    // The history summary counts commits, not files.
    expect((await runCli(["scan", "--git-history"], { cwd: r.dir })).stdout).toMatch(/ in 1 commit; /);
  });

  it("scans files whose names hold a space, a tab or a newline", async () => {
    const r = repo();
    r.write("with space.env", `GITHUB_TOKEN=${githubToken()}\n`);
    r.write("with\ttab.txt", `GITHUB_TOKEN=${githubToken()}\n`);
    r.write("new\nline.txt", `GITHUB_TOKEN=${githubToken()}\n`);
    for (const [mode, result] of Object.entries(await allGitModes(r))) {
      expect(result.code, `${mode}: ${result.stderr}`).toBe(1);
      const paths = json(result.stdout)
        .findings.filter((f) => f.ruleId !== "env-file-committed")
        .map((f) => f.path);
      expect(new Set(paths), mode).toEqual(new Set(["with space.env", "with\ttab.txt", "new\nline.txt"]));
    }
  });

  it("scans a changed file over 8 MB without an output-buffer abort, and skips one over the cap with a reason", async () => {
    const r = repo();
    const token = githubToken();
    const filler = "plain words padding the file out to size\n".repeat((9 * 1024 * 1024) / 41);
    r.write("big.txt", `${filler}GITHUB_TOKEN=${token}\n`);
    r.write("small.ts", `export const t = "${githubToken()}";\n`);
    const results = await allGitModes(r, ["--max-file-size", "16MB"]);
    for (const [mode, result] of Object.entries(results)) {
      expect(result.code, `${mode}: ${result.stderr}`).toBe(1);
      expect(
        json(result.stdout)
          .findings.map((f) => f.path)
          .sort(),
        mode,
      ).toEqual(["big.txt", "small.ts"]);
    }
    const capped = await runCli(["scan", "--diff", "HEAD~1", "--format", "json"], { cwd: r.dir });
    expect(capped.code).toBe(1);
    expect(json(capped.stdout).summary.skipped).toEqual([{ path: "big.txt", reason: expect.stringMatching(/larger than the 2\.0 MB limit/) }]);
  });
});
