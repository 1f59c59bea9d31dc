import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot, runCli, testCacheHome } from "../support/cli.js";

/**
 * The workflow `rampart init` writes, run step by step the way a GitHub runner runs it: `run:` steps in bash with
 * the step's env, GITHUB_PATH honoured between steps, RUNNER_TEMP outside the checkout. Rampart comes from a fresh
 * clone of this repository (standing in for its GitHub URL) through an npm registry that has no package named
 * `rampart`, as today. `uses:` steps are the runner's checkout and Node setup, which this machine already is.
 */
const dirs: string[] = [];
let registry: Server | undefined;
afterAll(() => {
  registry?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const temp = (name: string) => {
  const d = mkdtempSync(join(tmpdir(), name));
  dirs.push(d);
  return d;
};

/** The real registry, except that `rampart` does not exist; records what was asked for. */
async function registryWithoutRampart(asked: string[]): Promise<string> {
  const upstream = execFileSync("npm", ["config", "get", "registry"], { encoding: "utf8" }).trim().replace(/\/$/, "");
  registry = createServer((req, res) => {
    const path = req.url ?? "/";
    asked.push(path);
    if (/^\/rampart(\/|$|\?)/.test(path)) return void res.writeHead(404, { "content-type": "application/json" }).end('{"error":"Not found"}');
    void fetch(`${upstream}${path}`, { headers: { accept: String(req.headers.accept ?? "application/json") } }).then(
      async (r) => res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "application/json" }).end(Buffer.from(await r.arrayBuffer())),
      () => res.writeHead(502).end(),
    );
  });
  await new Promise<void>((resolve) => registry!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(registry.address() as AddressInfo).port}/`;
}

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}

/**
 * Runs one `run:` step like the runner: bash -e, step env with `${{ github.base_ref }}` empty (a push).
 * Asynchronous: the registry stand-in answers npm from this same process.
 */
function runStep(step: Step, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, String(v).replace(/\$\{\{\s*github\.base_ref\s*\}\}/g, "")]));
  return new Promise((resolve) => {
    const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run!], {
      cwd,
      env: { ...env, ...stepEnv },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 540_000,
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("close", (code) => resolve({ code: code ?? -1, output }));
  });
}

describe("the generated workflow on a runner", () => {
  it("installs Rampart from its source and gates the push, with no npm package named rampart", async () => {
    const work = temp("rampart-runner-");
    const source = join(work, "rampart-src");
    execFileSync("git", ["clone", "-q", "--no-local", repoRoot, source]);
    const commit = execFileSync("git", ["-C", source, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();

    const project = join(work, "agent");
    mkdirSync(project);
    const gitEnv = {
      ...process.env,
      GIT_AUTHOR_NAME: "New User",
      GIT_AUTHOR_EMAIL: "u@example.com",
      GIT_COMMITTER_NAME: "New User",
      GIT_COMMITTER_EMAIL: "u@example.com",
    };
    const git = (...args: string[]) => execFileSync("git", args, { cwd: project, env: gitEnv, encoding: "utf8" });
    git("init", "-q", "-b", "main");
    writeFileSync(join(project, "package.json"), `{ "name": "agent", "private": true }\n`);
    writeFileSync(join(project, "server.js"), `export const port = 3000;\n`);
    git("add", "-A");
    git("commit", "-q", "-m", "agent");

    const init = await runCli(["init", "--yes", "--no-skeletons", "--package", `git+file://${source}#${commit}`], { cwd: project });
    expect(init.code, init.stderr).toBe(0);
    // The hint's git add names every file init wrote; nothing else (no cache) appeared in the tree.
    const untracked = git("status", "--porcelain", "--untracked-files=all")
      .trim()
      .split("\n")
      .map((l) => l.slice(3))
      .sort();
    expect(untracked).toEqual([".github/workflows/rampart.yml", ".rampart-baseline.json", "rampart.config.yaml"]);
    const hint = init.stdout.split("\n").find((l) => l.includes("git add")) ?? "";
    for (const file of untracked) expect(hint, "the next hint's git add").toContain(file);
    git("add", "-A");
    git("commit", "-q", "-m", "adopt rampart");

    const workflowText = readFileSync(join(project, ".github/workflows/rampart.yml"), "utf8");
    expect(workflowText).not.toMatch(/\brampart@/);
    const steps = (parse(workflowText) as { jobs: { scan: { steps: Step[] } } }).jobs.scan.steps;

    const asked: string[] = [];
    const runnerTemp = join(work, "runner-temp");
    mkdirSync(runnerTemp);
    const githubPath = join(work, "github-path");
    writeFileSync(githubPath, "");
    const baseEnv: NodeJS.ProcessEnv = {
      ...process.env,
      CI: "true",
      GITHUB_ACTIONS: "true",
      RUNNER_TEMP: runnerTemp,
      GITHUB_PATH: githubPath,
      GITHUB_EVENT_NAME: "push",
      XDG_CACHE_HOME: testCacheHome(),
      npm_config_registry: await registryWithoutRampart(asked),
      npm_config_prefer_offline: "true",
    };
    delete baseEnv.npm_config_prefix;
    const envNow = () => ({ ...baseEnv, PATH: [...readFileSync(githubPath, "utf8").split("\n").filter(Boolean).reverse(), process.env.PATH].join(":") });

    for (const step of steps) {
      if (step.uses) {
        expect(step.uses, "only the runner's own checkout and Node setup are used").toMatch(/^actions\/(checkout|setup-node)@[0-9a-f]{40}$/);
        continue;
      }
      const r = await runStep(step, project, envNow());
      expect(r.code, `${step.name}:\n${r.output.slice(-3000)}`).toBe(0);
    }
    expect(asked.filter((p) => /^\/rampart(\/|$|\?)/.test(p))).toEqual([]);

    // The same gate fails once a key is pushed.
    writeFileSync(join(project, "config.js"), `export const key = "sk-or-v1-${"9f8e7d6c".repeat(8)}";\n`);
    git("add", "-A");
    git("commit", "-q", "-m", "leak");
    const gate = steps.find((s) => s.name === "Rampart gate")!;
    expect((await runStep(gate, project, envNow())).code).toBe(1);
  }, 600_000);
});
