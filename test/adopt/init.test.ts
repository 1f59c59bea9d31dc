import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { builtBin, runCli, spawnCli, testCacheHome } from "../support/cli.js";
import { githubToken as randomToken } from "../support/tokens.js";

const dirs: string[] = [];
/** Where the generated workflow installs Rampart from (Rampart is not on npm); the runner test installs a real one. */
const SOURCE = ["--package", `git+https://github.com/example/rampart.git#${"0".repeat(40)}`];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function sampleRepo() {
  const dir = mkdtempSync(join(tmpdir(), "rampart-init-"));
  dirs.push(dir);
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: dir,
      encoding: "utf8",
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "New User",
        GIT_AUTHOR_EMAIL: "u@example.com",
        GIT_COMMITTER_NAME: "New User",
        GIT_COMMITTER_EMAIL: "u@example.com",
      },
    });
  git("init", "-q", "-b", "main");
  const write = (file: string, text: string) => {
    mkdirSync(join(dir, file, ".."), { recursive: true });
    writeFileSync(join(dir, file), text);
  };
  const commit = (message: string) => {
    git("add", "-A");
    return git("commit", "-q", "-m", message);
  };
  write("package.json", `{ "name": "my-agent", "type": "module" }\n`);
  write(
    "src/index.js",
    `import express from "express";\nconst app = express();\napp.get("/health", (_req, res) => res.send("ok"));\napp.listen(3000, "127.0.0.1");\n`,
  );
  commit("an agent server");
  return { dir, git, write, commit };
}

/** `rampart` on PATH is this checkout's built binary, as `npm install --global` would provide. */
function binDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "rampart-bin-"));
  dirs.push(dir);
  writeFileSync(join(dir, "rampart"), `#!/bin/sh\nexec "${process.execPath}" "${builtBin}" "$@"\n`);
  chmodSync(join(dir, "rampart"), 0o755);
  return dir;
}

/** Runs the generated workflow's gate step exactly as written, the way the runner's bash would. */
function runGateStep(repo: string, baseRef: string) {
  const workflow = parse(readFileSync(join(repo, ".github/workflows/rampart.yml"), "utf8")) as {
    jobs: Record<string, { steps: Array<{ name?: string; run?: string }> }>;
  };
  const step = Object.values(workflow.jobs)
    .flatMap((j) => j.steps)
    .find((s) => s.name === "Rampart gate");
  expect(step?.run).toContain("rampart scan");
  const result = spawnSync("bash", ["-e", "-c", step!.run!], {
    cwd: repo,
    encoding: "utf8",
    env: { ...process.env, PATH: `${binDir()}:${process.env.PATH}`, BASE_REF: baseRef, NO_COLOR: "1", CI: "true", XDG_CACHE_HOME: testCacheHome() },
  });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

describe("rampart init, as a new user tries it", () => {
  it("writes config, workflow, baseline and skeletons; the workflow's gate passes clean and fails after a key is committed", () => {
    const r = sampleRepo();
    const init = spawnCli(["init", ...SOURCE, "--yes"], { cwd: r.dir, env: { CI: "true" } });
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    for (const f of [
      "rampart.config.yaml",
      ".github/workflows/rampart.yml",
      ".rampart-baseline.json",
      "threat-model/model.yaml",
      "threat-model/checklist.yaml",
      "playbooks/leaked-secret.yaml",
    ]) {
      expect(existsSync(join(r.dir, f)), f).toBe(true);
    }
    r.commit("adopt rampart");
    expect(runGateStep(r.dir, "")).toMatchObject({ code: 0 });

    const key = randomToken();
    r.write("src/config.js", `export const github = "${key}";\n`);
    r.commit("add config");
    const failing = runGateStep(r.dir, "");
    expect(failing.code).toBe(1);
    expect(failing.out).toContain("::error file=src/config.js,line=1");
    expect(failing.out).not.toContain(key);
  });

  it("gates a pull request on what it adds, with the generated workflow's step", () => {
    const r = sampleRepo();
    const origin = mkdtempSync(join(tmpdir(), "rampart-origin-"));
    dirs.push(origin);
    execFileSync("git", ["init", "-q", "--bare", origin]);
    expect(spawnCli(["init", ...SOURCE, "--yes", "--no-skeletons"], { cwd: r.dir }).code).toBe(0);
    r.commit("adopt rampart");
    r.git("remote", "add", "origin", origin);
    r.git("push", "-q", "origin", "main");
    r.git("fetch", "-q", "origin");
    r.git("checkout", "-q", "-b", "feature");
    r.write("src/feature.js", "export const feature = true;\n");
    r.commit("clean feature");
    expect(runGateStep(r.dir, "main").code).toBe(0);
    r.write("src/leak.js", `export const token = "${randomToken()}";\n`);
    r.commit("leaky feature");
    expect(runGateStep(r.dir, "main").code).toBe(1);
  });

  it("accepts what was already there in the baseline, and still fails on a new key", () => {
    const r = sampleRepo();
    r.write("legacy.js", `export const old = "${randomToken()}";\n`);
    r.commit("legacy key");
    const init = spawnCli(["init", ...SOURCE, "--yes", "--no-skeletons"], { cwd: r.dir });
    expect(init.stdout).toContain("baseline: 1 current findings accepted");
    expect(runGateStep(r.dir, "").code).toBe(0);
    r.write("new.js", `export const fresh = "${randomToken()}";\n`);
    expect(runGateStep(r.dir, "").code).toBe(1);
  });

  it("never overwrites without --force, and writes nothing at all when it refuses", () => {
    const r = sampleRepo();
    r.write("rampart.config.yaml", "rules: {}\n# mine\n");
    const refused = spawnCli(["init", ...SOURCE, "--yes"], { cwd: r.dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("rampart.config.yaml already exists");
    expect(refused.stderr).toContain("--force");
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(r.dir, "rampart.config.yaml"), "utf8")).toContain("# mine");
    expect(existsSync(join(r.dir, ".github"))).toBe(false);
    expect(spawnCli(["init", ...SOURCE, "--yes", "--force"], { cwd: r.dir }).code).toBe(0);
    expect(readFileSync(join(r.dir, "rampart.config.yaml"), "utf8")).not.toContain("# mine");
  });

  it("asks on a terminal and follows the answers", async () => {
    const r = sampleRepo();
    const result = await runCli(["init", ...SOURCE], { cwd: r.dir, tty: true, stdin: "critical\nn\ny\nn\n" });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Fail CI at which severity");
    expect(existsSync(join(r.dir, ".github/workflows/rampart.yml"))).toBe(false);
    expect(existsSync(join(r.dir, "playbooks"))).toBe(false);
    expect(existsSync(join(r.dir, ".rampart-baseline.json"))).toBe(true);
    expect(result.stdout).toContain("--fail-on critical");
    const bad = await runCli(["init", ...SOURCE, "--yes", "--fail-on", "severe"], { cwd: r.dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("use info, low, medium, high, critical");
  });

  it("the copied skeletons are the project's own: the respond commands read them and they validate", async () => {
    const r = sampleRepo();
    expect(spawnCli(["init", ...SOURCE, "--yes", "--no-baseline"], { cwd: r.dir }).code).toBe(0);
    const file = join(r.dir, "playbooks/leaked-secret.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace(/^title: .*$/m, "title: Our own leaked-secret drill"));
    const list = await runCli(["playbook", "list"], { cwd: r.dir });
    expect(list.stdout).toContain("Our own leaked-secret drill");
    const threats = await runCli(["threats", "check"], { cwd: r.dir });
    expect(threats.stdout).toContain("0 problems");
    expect(threats.code).toBe(0);
    writeFileSync(file, readFileSync(file, "utf8").replace("Confirm the finding is a live credential", "Page the on-call and confirm the credential"));
    const opened = await runCli(["incident", "open", "leaked-secret", "--title", "drill"], { cwd: r.dir });
    const status = async () => (await runCli(["incident", "status", opened.stdout.trim()], { cwd: r.dir })).stdout;
    expect(await status()).toContain("Page the on-call and confirm the credential");
    // The journal keeps the playbook as opened: editing the YAML later does not rewrite an incident in flight.
    writeFileSync(file, readFileSync(file, "utf8").replace("Page the on-call", "Email the team"));
    expect(await status()).toContain("Page the on-call and confirm the credential");
    const workflowScan = await runCli(["scan", ".github", "--fail-on", "info", "--no-cache"], { cwd: r.dir });
    expect(workflowScan.stdout).toContain("no findings");
  });
  it("installs Rampart in CI from where the project got it, never from the unpublished npm name", async () => {
    const r = sampleRepo();
    const resolved = `git+https://github.com/acme/rampart.git#${"ab".repeat(20)}`;
    r.write("package-lock.json", JSON.stringify({ lockfileVersion: 3, packages: { "": {}, "node_modules/rampart": { version: "0.1.0", resolved } } }));
    const fromLock = await runCli(["init", "--yes", "--no-skeletons", "--no-baseline"], { cwd: r.dir });
    expect(fromLock.code, fromLock.stderr).toBe(0);
    const workflow = readFileSync(join(r.dir, ".github/workflows/rampart.yml"), "utf8");
    expect(workflow).toContain(JSON.stringify(resolved));
    expect(workflow).not.toMatch(/\brampart@/);
    expect(fromLock.stdout).toMatch(/git add .*\.github\/workflows\/rampart\.yml/);
    const unpublished = await runCli(["init", "--yes", "--force", "--package", "rampart@0.1.0"], { cwd: r.dir });
    expect(unpublished.code).toBe(2);
    expect(unpublished.stderr).toMatch(/not published/);
  });
});
