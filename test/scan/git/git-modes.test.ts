import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, spawnCli } from "../../support/cli.js";
import { githubToken } from "../../support/tokens.js";

function repo() {
  const dir = mkdtempSync(join(tmpdir(), "rampart-git-"));
  let tick = 0;
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: dir,
      encoding: "utf8",
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "Mallory Example",
        GIT_AUTHOR_EMAIL: "m@example.com",
        GIT_COMMITTER_NAME: "CI",
        GIT_COMMITTER_EMAIL: "ci@example.com",
        GIT_AUTHOR_DATE: `2026-03-0${1 + (tick % 8)}T10:00:00Z`,
        GIT_COMMITTER_DATE: `2026-03-0${1 + (tick++ % 8)}T10:00:00Z`,
      },
    });
  git("init", "-q", "-b", "main");
  const write = (file: string, text: string) => writeFileSync(join(dir, file), text);
  const commit = (message: string) => {
    git("add", "-A");
    git("commit", "-q", "-m", message);
    return git("rev-parse", "HEAD").trim();
  };
  return { dir, git, write, commit };
}

const json = (stdout: string) =>
  JSON.parse(stdout) as { findings: Array<{ path: string; line: number; ruleId: string; commit?: string; author?: string; date?: string; redacted?: string }> };

describe("rampart scan --diff", () => {
  it("reports only the secret the branch adds, on its real line", async () => {
    const r = repo();
    const old = githubToken();
    r.write("config.ts", `export const a = 1;\nexport const legacy = "${old}";\n`);
    r.commit("base");
    r.git("checkout", "-q", "-b", "feature");
    const added = githubToken();
    r.write("config.ts", `export const a = 1;\nexport const legacy = "${old}";\nexport const b = 2;\nexport const fresh = "${added}";\n`);
    r.commit("feature");
    const result = await runCli(["scan", "--diff", "main", "--format", "json"], { cwd: r.dir });
    expect(result.code).toBe(1);
    const findings = json(result.stdout).findings;
    expect(findings.map((f) => [f.path, f.line])).toEqual([["config.ts", 4]]);
    expect(result.stdout).not.toContain(added);
    expect((await runCli(["scan", "--diff", "HEAD"], { cwd: r.dir })).code).toBe(0);
  });

  it("names an unknown base and says how to fetch it", async () => {
    const r = repo();
    r.write("a.txt", "x\n");
    r.commit("one");
    const result = await runCli(["scan", "--diff", "origin/nope"], { cwd: r.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("git fetch");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("rampart scan --staged", () => {
  it("sees a staged secret and not an unstaged one", async () => {
    const r = repo();
    r.write("a.ts", "export const a = 1;\n");
    r.commit("base");
    const unstaged = githubToken();
    r.write("b.ts", `export const t = "${unstaged}";\n`);
    expect((await runCli(["scan", "--staged"], { cwd: r.dir })).code).toBe(0);
    const staged = githubToken();
    r.write("a.ts", `export const a = 1;\nexport const s = "${staged}";\n`);
    r.git("add", "a.ts");
    const result = await runCli(["scan", "--staged", "--format", "json"], { cwd: r.dir });
    expect(result.code).toBe(1);
    expect(json(result.stdout).findings.map((f) => `${f.path}:${f.line}`)).toEqual(["a.ts:2"]);
  });
});

describe("rampart scan --git-history", () => {
  it("finds a secret that was added and later deleted, with commit, author and date", () => {
    const r = repo();
    r.write("a.ts", "export const a = 1;\n");
    r.commit("base");
    const token = githubToken();
    r.write("a.ts", `export const a = 1;\nexport const t = "${token}";\n`);
    const leak = r.commit("oops");
    r.write("a.ts", `export const a = 1;\nexport const t = "${token}";\nexport const b = 2;\n`);
    r.commit("unrelated change keeps it");
    r.write("a.ts", "export const a = 1;\n");
    r.commit("remove the key");
    const result = spawnCli(["scan", "--git-history", "--format", "json"], { cwd: r.dir });
    expect(result.code).toBe(1);
    const findings = json(result.stdout).findings;
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ path: "a.ts", line: 2, commit: leak, author: "Mallory Example" });
    expect(findings[0]!.date).toMatch(/^2026-03-0\dT10:00:00/);
    expect(result.stdout).not.toContain(token);
    const since = spawnCli(["scan", "--git-history", "--since", leak, "--format", "json"], { cwd: r.dir });
    expect(json(since.stdout).findings).toHaveLength(0);
    rmSync(r.dir, { recursive: true, force: true });
  });

  it("honours --category and shows progress only on a terminal", async () => {
    const r = repo();
    r.write("a.ts", `export const t = "${githubToken()}";\n`);
    r.commit("leak");
    const misconfigOnly = await runCli(["scan", "--git-history", "--category", "misconfig", "--format", "json"], { cwd: r.dir });
    expect(misconfigOnly.code).toBe(0);
    expect(json(misconfigOnly.stdout).findings).toHaveLength(0);
    const onTerminal = await runCli(["scan", "--git-history", "--format", "json"], { cwd: r.dir, tty: true });
    expect(onTerminal.code).toBe(1);
    expect(onTerminal.stderr).toContain("scanning history: 1 commits");
    expect(onTerminal.stderr.endsWith("\r\u001b[K")).toBe(true);
    const inCi = await runCli(["scan", "--git-history", "--format", "json"], { cwd: r.dir, tty: true, env: { CI: "true" } });
    expect(inCi.stderr).toBe("");
    rmSync(r.dir, { recursive: true, force: true });
  });
});

describe("baselines", () => {
  it("accept known findings while a new secret, even on the same line, still fails the gate", async () => {
    const r = repo();
    const known = githubToken();
    r.write("a.ts", `export const t = "${known}";\n`);
    const update = await runCli(["scan", ".", "--update-baseline", "--baseline", "baseline.json", "--no-cache"], { cwd: r.dir });
    expect(update.code).toBe(0);
    const saved = readFileSync(join(r.dir, "baseline.json"), "utf8");
    expect(saved).not.toContain(known);
    expect(JSON.parse(saved)).toMatchObject({ version: 2, findings: [{ path: "a.ts" }] });
    expect((await runCli(["scan", ".", "--baseline", "baseline.json", "--no-cache"], { cwd: r.dir })).code).toBe(0);
    r.write("a.ts", `export const t = "${githubToken()}";\n`);
    expect((await runCli(["scan", ".", "--baseline", "baseline.json", "--no-cache"], { cwd: r.dir })).code).toBe(1);
  });

  it("a corrupt baseline is a clear error naming the file", async () => {
    const r = repo();
    r.write("baseline.json", "{ not json");
    const result = await runCli(["scan", ".", "--baseline", "baseline.json"], { cwd: r.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("baseline.json");
    expect(result.stderr).toContain("--update-baseline");
  });

  it("modes cannot be combined", async () => {
    const r = repo();
    const result = await runCli(["scan", "--staged", "--git-history"], { cwd: r.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("pick one");
  });
});
