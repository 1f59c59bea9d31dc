import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../support/cli.js";
import { githubToken, tempDir } from "./fixtures.js";

let repo: ReturnType<typeof tempDir>;
let cacheHome: ReturnType<typeof tempDir>;
beforeEach(() => {
  repo = tempDir();
  cacheHome = tempDir();
});
afterEach(() => {
  repo.cleanup();
  cacheHome.cleanup();
});

const git = (...args: string[]) =>
  execFileSync("git", args, {
    cwd: repo.dir,
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_NAME: "A", GIT_AUTHOR_EMAIL: "a@example.com", GIT_COMMITTER_NAME: "A", GIT_COMMITTER_EMAIL: "a@example.com" },
  });

function write(rel: string, text: string): void {
  mkdirSync(dirname(join(repo.dir, rel)), { recursive: true });
  writeFileSync(join(repo.dir, rel), text);
}

type Json = { findings: Array<{ path: string }>; summary: { skipped: Array<{ path: string; reason: string }> } };

describe("one file filter for every mode", () => {
  it(".rampartignore, parent .gitignore, include, the size cap and the minified check give the same verdict in directory, --diff, --staged and --git-history", async () => {
    const token = () => `const t = "${githubToken()}";\n`;
    write("rampart.config.yaml", 'paths:\n  include: ["src/**", "app/**"]\n');
    write(".rampartignore", "src/fixtures/\n");
    write(".gitignore", "app/generated/\n");
    write("src/ok.ts", token());
    write("src/fixtures/planted.ts", token());
    write("other/outside-include.ts", token());
    write("src/big.ts", `${"// padding\n".repeat(1000)}${token()}`);
    write("src/bundle.min.js", `${"x".repeat(6000)}${token()}`);
    write("app/generated/client.ts", token());
    write("app/generated/forced.ts", token());
    git("init", "-q", "-b", "main");
    git("commit", "-q", "--allow-empty", "-m", "root");
    git("add", "-A");
    git("add", "-f", "app/generated/forced.ts");
    const run = async (...args: string[]) => {
      const result = await runCli(["scan", ...args, "--max-file-size", "8KB", "--no-cache", "--format", "json"], {
        cwd: repo.dir,
        env: { XDG_CACHE_HOME: cacheHome.dir },
      });
      expect(result.code, result.stderr).toBe(1);
      const report = JSON.parse(result.stdout) as Json;
      const skipped = report.summary.skipped.map((s) => `${s.path.replace(/ \(commit \w+\)$/, "")}: ${s.reason.replace(/\(.*\)/, "")}`).sort();
      return { found: report.findings.map((f) => f.path).sort(), skipped };
    };
    const staged = await run("--staged");
    git("commit", "-q", "-m", "everything");
    const verdicts = { staged, directory: await run("."), diff: await run("--diff", "HEAD~1"), history: await run("--git-history") };
    const expected = {
      found: ["app/generated/forced.ts", "src/ok.ts"],
      skipped: ["src/big.ts: larger than the 8.0 KB limit ", "src/bundle.min.js: minified or generated "],
    };
    for (const [mode, verdict] of Object.entries(verdicts)) expect(verdict, mode).toEqual(expected);
    // Scanning a subdirectory still applies the .gitignore above it (the generated client stays out).
    const sub = await runCli(["scan", "app", "--no-cache", "--format", "json"], { cwd: repo.dir, env: { XDG_CACHE_HOME: cacheHome.dir } });
    expect((JSON.parse(sub.stdout) as Json).findings.map((f) => f.path)).toEqual(["generated/forced.ts"]);
  });
});

describe("repository facts reach the rules in a real scan", () => {
  it("env-file-committed tells a committed env file from a local one, and ELZ-014 sees the tree", async () => {
    write(".gitignore", "node_modules/\n");
    write("deploy/.env.production", "OPENAI_API_KEY=sk-live-value-0000\nLOG_LEVEL=debug\n");
    write("local/.env.production", "OPENAI_API_KEY=sk-live-value-0000\nLOG_LEVEL=debug\n");
    git("init", "-q", "-b", "main");
    git("add", ".gitignore", "deploy/.env.production");
    git("commit", "-q", "-m", "one");
    const result = await runCli(["scan", ".", "--no-cache", "--format", "json", "--category", "misconfig"], {
      cwd: repo.dir,
      env: { XDG_CACHE_HOME: cacheHome.dir },
    });
    const findings = (JSON.parse(result.stdout) as { findings: Array<{ path: string; ruleId: string }> }).findings.map((f) => `${f.ruleId} ${f.path}`);
    expect(findings).toContain("env-file-committed deploy/.env.production");
    expect(findings).not.toContain("env-file-committed local/.env.production");
    expect(findings).toContain("ignore-file-missing-secrets .gitignore");
  });
});
