import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "../support/cli.js";
import { githubToken as token } from "../support/tokens.js";

interface ActionStep {
  name: string;
  id?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
}
const action = parse(readFileSync(join(repoRoot, "action.yml"), "utf8")) as { inputs: Record<string, { default: string }>; runs: { steps: ActionStep[] } };
const step = (name: string) => action.runs.steps.find((s) => s.name === name)!;

/** Runs one `run:` step of the composite action as the runner would: bash, inputs through env, files for outputs. */
function runStep(s: ActionStep, cwd: string, event: { baseRef?: string }) {
  const tmp = mkdtempSync(join(tmpdir(), "rampart-action-"));
  const outputs = join(tmp, "outputs");
  const summary = join(tmp, "summary.md");
  writeFileSync(outputs, "");
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default]));
  const env = {
    ...process.env,
    NO_COLOR: "1",
    GITHUB_ACTION_PATH: repoRoot,
    GITHUB_OUTPUT: outputs,
    GITHUB_STEP_SUMMARY: summary,
    RUNNER_TEMP: tmp,
    RAMPART_FAIL_ON: inputs["fail-on"]!,
    RAMPART_PATHS: inputs.paths!,
    RAMPART_CONFIG: "",
    RAMPART_BASELINE: "",
    RAMPART_EVENT: event.baseRef ? "pull_request" : "push",
    RAMPART_BASE_REF: event.baseRef ?? "",
  };
  const result = spawnSync("bash", ["-e", "-c", s.run!], { cwd, env, encoding: "utf8" });
  const out = Object.fromEntries(
    readFileSync(outputs, "utf8")
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(/=(.*)/s).slice(0, 2)),
  );
  return { result, out, summary: readFileSync(summary, { encoding: "utf8", flag: "a+" }) };
}

function gitRepo() {
  const origin = mkdtempSync(join(tmpdir(), "rampart-origin-"));
  execFileSync("git", ["init", "-q", "--bare", "-b", "main"], { cwd: origin });
  const dir = mkdtempSync(join(tmpdir(), "rampart-actionrepo-"));
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: dir, encoding: "utf8" });
  git("init", "-q", "-b", "main");
  git("remote", "add", "origin", origin);
  writeFileSync(join(dir, "index.ts"), "export const port = Number(process.env.PORT ?? 3000);\n");
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  git("push", "-q", "origin", "main");
  return { dir, git };
}

describe("action.yml, run locally", () => {
  it("declares the permissions it needs and pins every action by SHA", () => {
    const text = readFileSync(join(repoRoot, "action.yml"), "utf8");
    expect(text).toContain("security-events: write");
    expect(text).toContain("contents: read");
    for (const s of action.runs.steps.filter((x) => x.uses)) expect(s.uses).toMatch(/@[0-9a-f]{40}$/);
  });

  it("on push: a clean tree passes the gate, a committed key fails it, with SARIF and a job summary", () => {
    const { dir, git } = gitRepo();
    const clean = runStep(step("Scan"), dir, {});
    expect(clean.out["exit-code"]).toBe("0");
    expect(JSON.parse(readFileSync(clean.out.sarif!, "utf8")).version).toBe("2.1.0");
    expect(clean.summary).toContain("✅");
    const key = token();
    writeFileSync(join(dir, "config.ts"), `export const gh = "${key}";\n`);
    git("add", "-A");
    git("commit", "-q", "-m", "leak");
    const leaked = runStep(step("Scan"), dir, {});
    expect(leaked.out["exit-code"]).toBe("1");
    expect(leaked.summary).toContain("❌");
    expect(leaked.result.stdout).toMatch(/::error file=config.ts,line=1/);
    for (const text of [leaked.summary, leaked.result.stdout, readFileSync(leaked.out.sarif!, "utf8")]) expect(text).not.toContain(key);
    const gate = spawnSync("bash", ["-c", step("Gate").run!], { env: { ...process.env, RAMPART_EXIT: leaked.out["exit-code"] } });
    expect(gate.status).toBe(1);
  });

  it("on a pull request: gates only what the branch adds", () => {
    const { dir, git } = gitRepo();
    writeFileSync(join(dir, "old.ts"), `export const legacy = "${token()}";\n`);
    git("add", "-A");
    git("commit", "-q", "-m", "old leak on main");
    git("push", "-q", "origin", "main");
    git("checkout", "-q", "-b", "feature");
    writeFileSync(join(dir, "feature.ts"), "export const feature = true;\n");
    git("add", "-A");
    git("commit", "-q", "-m", "feature");
    const pr = runStep(step("Scan"), dir, { baseRef: "main" });
    expect(pr.out["exit-code"]).toBe("0");
    writeFileSync(join(dir, "feature.ts"), `export const feature = "${token()}";\n`);
    git("commit", "-q", "-am", "leak in PR");
    expect(runStep(step("Scan"), dir, { baseRef: "main" }).out["exit-code"]).toBe("1");
  });
});
