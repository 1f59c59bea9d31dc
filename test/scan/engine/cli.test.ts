import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, spawnCli } from "../../support/cli.js";
import { githubToken, randomChars, tempDir } from "./fixtures.js";

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

const write = (rel: string, text: string) => tmp.write(rel, text);

const scan = (...args: string[]) => runCli(["scan", ...args, "--no-cache"], { cwd: tmp.dir });

describe("rampart scan exit codes", () => {
  it("exits 0 on a clean tree and 1 when a finding reaches the gate", async () => {
    write("src/app.ts", "export const port = process.env.PORT;\n");
    expect((await scan()).code).toBe(0);
    write("src/keys.ts", `const token = "${githubToken()}";\n`);
    const dirty = await scan();
    expect(dirty.code).toBe(1);
    expect(dirty.stdout).toMatch(/src\/keys\.ts:1/);
  });

  it("--fail-on decides the gate", async () => {
    write("a.ts", `const token = "${githubToken()}";\n`);
    expect((await scan("--fail-on", "critical")).code).toBe(0);
    expect((await scan("--fail-on", "low")).code).toBe(1);
  });

  it("exits 2 with a clear message and no stack trace on usage errors", async () => {
    for (const args of [
      ["--fail-on", "severe"],
      ["--format", "xml"],
      ["--jobs", "0"],
      ["--max-file-size", "lots"],
    ]) {
      const result = await scan(...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(/^rampart: /);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("names the config file and line of a config error", async () => {
    write("rampart.config.yaml", "rules:\n  secretlint-github: loud\npaths:\n  exclude:\n    - glob: fixtures/**\n");
    const result = await scan();
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/rampart\.config\.yaml:2/);
    expect(result.stderr).toMatch(/rampart\.config\.yaml:5: .*reason/);
  });

  it("applies config severity overrides, disabled rules and excludes with reasons", async () => {
    write("a.ts", `const token = "${githubToken()}";\n`);
    write("fixtures/b.ts", `const token = "${githubToken()}";\n`);
    write("rampart.config.yaml", "rules:\n  secretlint-github: low\n  github-token: low\n  github-pat: low\n");
    const lowered = JSON.parse((await scan("--format", "json")).stdout) as { findings: Array<{ severity: string }> };
    expect(lowered.findings.length).toBeGreaterThan(0);
    expect(lowered.findings.every((f) => f.severity === "low")).toBe(true);
    write("rampart.config.yaml", "paths:\n  exclude:\n    - glob: fixtures/**\n      reason: planted test secrets\n");
    const excluded = JSON.parse((await scan("--format", "json")).stdout) as {
      findings: Array<{ path: string }>;
      summary: { skipped: Array<{ path: string; reason: string }> };
    };
    expect(excluded.findings.map((f) => f.path)).toEqual(["a.ts"]);
    expect(excluded.summary.skipped).toContainEqual({ path: "fixtures", reason: "excluded by config: planted test secrets" });
  });

  it("names the --output file it cannot write", async () => {
    write("a.ts", "const a = 1;\n");
    const result = await scan("--output", "missing-dir/report.json");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/missing-dir\/report\.json: cannot write the report/);
  });

  it("--config names a missing file", async () => {
    const result = await scan("--config", "nope.yaml");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/nope\.yaml/);
  });

  it("--max-file-size and --no-gitignore change what is scanned", async () => {
    write(".gitignore", "local.env\n");
    write("local.env", `TOKEN=${githubToken()}\n`);
    expect((await scan()).code).toBe(0);
    expect((await scan("--no-gitignore")).code).toBe(1);
    expect((await scan("--no-gitignore", "--max-file-size", "10B")).code).toBe(0);
  });
});

describe("rampart scan never prints a raw secret", () => {
  it("keeps planted secrets out of every format, the --output file and stderr", async () => {
    const secrets = [githubToken(), `sk_live_${randomChars(32)}`, `xoxb-${randomChars(12, "0123456789")}-${randomChars(12, "0123456789")}-${randomChars(24)}`];
    write("config/settings.ts", secrets.map((s, i) => `export const key${i} = "${s}";`).join("\n"));
    write("notes.md", `old token ${secrets[0]} // rampart:ignore\n`);
    for (const format of ["text", "json", "sarif", "junit", "github", "markdown"]) {
      const result = await scan("--format", format);
      expect(result.code, format).toBe(1);
      for (const secret of secrets) {
        expect(result.stdout, format).not.toContain(secret);
        expect(result.stderr, format).not.toContain(secret);
      }
    }
    const out = await scan("--format", "sarif", "--output", "report.sarif");
    expect(out.stdout).toBe("");
    const saved = readFileSync(join(tmp.dir, "report.sarif"), "utf8");
    expect(saved).toContain("config/settings.ts");
    for (const secret of secrets) expect(saved).not.toContain(secret);
  });

  it("says when an inline ignore lacks a reason", async () => {
    write("a.ts", `const token = "${githubToken()}"; // rampart:ignore\n`);
    const result = await scan();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/without a reason does not apply/);
  });
});

describe("the built binary", () => {
  it("scans with worker threads and exits 1 on a finding, 0 with --fail-on critical", () => {
    write("a.ts", `const token = "${githubToken()}";\n`);
    const found = spawnCli(["scan", tmp.dir, "--format", "json", "--no-cache"]);
    expect(found.code).toBe(1);
    expect(JSON.parse(found.stdout).findings[0].path).toBe("a.ts");
    expect(spawnCli(["scan", tmp.dir, "--fail-on", "critical", "--no-cache"]).code).toBe(0);
  });
});
