import { execFileSync } from "node:child_process";
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, symlinkSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseYaml, readYamlFile } from "../../../src/core/yaml-document.js";
import { applyRules } from "../../../src/scan/apply-rules.js";
import type { ScanRule } from "../../../src/scan/rule.js";
import { runCli } from "../../support/cli.js";
import { githubToken, tempDir } from "./fixtures.js";

let tmp: ReturnType<typeof tempDir>;
let cacheHome: ReturnType<typeof tempDir>;
/** Where files outside the scanned tree live (link targets that must stay untouched). */
let outside: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
  cacheHome = tempDir();
  outside = tempDir();
});
afterEach(() => {
  tmp.cleanup();
  cacheHome.cleanup();
  outside.cleanup();
});

function writeOutside(name: string, text: string): string {
  const path = join(outside.dir, name);
  writeFileSync(path, text);
  return path;
}

function write(rel: string, text: string): void {
  const path = join(tmp.dir, rel);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
}

const env = () => ({ XDG_CACHE_HOME: cacheHome.dir });
const scan = (...args: string[]) => runCli(["scan", ...args], { cwd: tmp.dir, env: env() });
type Json = { findings: Array<{ path: string; ruleId: string }>; summary: { skipped: Array<{ path: string; reason: string }> } };

function mkfifo(rel: string): void {
  execFileSync("mkfifo", [join(tmp.dir, rel)]);
}

describe("hostile config and ignore files", () => {
  it("refuses a config that links to /dev/zero, with exit 2 naming the file", async () => {
    symlinkSync("/dev/zero", join(tmp.dir, "rampart.config.yaml"));
    const result = await scan("--no-cache");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/rampart\.config\.yaml: .*(not a regular file|out of)/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("does not read a .rampartignore linked to /dev/zero, a FIFO .gitignore, or an ignore file leading out of the tree; the scan goes on", async () => {
    write("src/app.ts", `const t = "${githubToken()}";\n`);
    symlinkSync("/dev/zero", join(tmp.dir, ".rampartignore"));
    mkfifo("src/.gitignore");
    mkdirSync(join(tmp.dir, "lib"));
    symlinkSync(writeOutside("outside-ignore", "*\n"), join(tmp.dir, "lib", ".rampartignore"));
    write("lib/b.ts", `const t = "${githubToken()}";\n`);
    const started = Date.now();
    const result = await scan("--no-cache", "--format", "json");
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as Json;
    expect(report.findings.map((f) => f.path)).toEqual(["lib/b.ts", "src/app.ts"]);
    const reasons = Object.fromEntries(report.summary.skipped.map((s) => [s.path, s.reason]));
    expect(reasons[".rampartignore"]).toMatch(/not a regular file/);
    expect(reasons["src/.gitignore"]).toMatch(/not a regular file/);
    expect(reasons["lib/.rampartignore"]).toMatch(/out of/);
  });

  it("refuses a YAML file (config, playbook) that is a FIFO or too big, instead of hanging or exhausting memory", () => {
    mkfifo("playbook.yaml");
    expect(() => readYamlFile(join(tmp.dir, "playbook.yaml"), () => [])).toThrow(/not a regular file/);
    symlinkSync("/dev/zero", join(tmp.dir, "zero.yaml"));
    expect(() => readYamlFile(join(tmp.dir, "zero.yaml"), () => [])).toThrow(/not a regular file/);
    const fd = openSync(join(tmp.dir, "huge.yaml"), "w");
    writeSync(fd, "a: 1\n", 64 * 1024 * 1024); // sparse: 64 MB without writing it
    closeSync(fd);
    expect(() => readYamlFile(join(tmp.dir, "huge.yaml"), () => [])).toThrow(/over the .*limit/);
  });

  it("loads a config with 40,000 keys in linear time, and still reports a duplicate key", () => {
    const timed = (keys: number) => {
      const text = `rules:\n${Array.from({ length: keys }, (_, i) => `  rule-${i}: off\n`).join("")}`;
      const started = performance.now();
      expect(parseYaml("big.yaml", text).problems).toEqual([]);
      return performance.now() - started;
    };
    const small = Math.min(timed(5_000), timed(5_000));
    // Linear: 8x the keys, about 8x the time (quadratic was 64x; 40,000 keys took 25 s).
    expect(timed(40_000) / small).toBeLessThan(24);
    expect(parseYaml("dup.yaml", "rules:\n  a: off\n  b: off\n  a: on\n").problems).toEqual([
      { file: "dup.yaml", line: 4, message: "Map keys must be unique" },
    ]);
  });

  it("keeps a 10,000-line .gitignore from slowing the walk down twentyfold", async () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => (i % 3 === 0 ? `build-${i}/` : i % 3 === 1 ? `*.gen${i}` : `secret-${i}.txt`));
    write(".gitignore", `${lines.join("\n")}\n*.log\n!keep.log\n`);
    for (let d = 0; d < 20; d++) for (let f = 0; f < 50; f++) write(`src/d${d}/f${f}.ts`, "export {};\n");
    write("src/d0/secret-2.txt", `t=${githubToken()}\n`);
    write("src/d1/x.gen1", `t=${githubToken()}\n`);
    write("build-0/a.ts", `t=${githubToken()}\n`);
    write("logs/a.log", `t=${githubToken()}\n`);
    write("logs/keep.log", `t=${githubToken()}\n`);
    const started = Date.now();
    const result = await scan("--no-cache", "--jobs", "1", "--format", "json");
    expect(Date.now() - started).toBeLessThan(8_000);
    expect((JSON.parse(result.stdout) as Json).findings.map((f) => f.path)).toEqual(["logs/keep.log"]);
  });
});

describe("nothing Rampart writes follows a symlink", () => {
  it("--update-baseline never writes through a baseline file that is a symlink", async () => {
    write("a.ts", `const t = "${githubToken()}";\n`);
    const victim = writeOutside("victim.txt", "precious\n");
    symlinkSync(victim, join(tmp.dir, ".rampart-baseline.json"));
    await scan("--update-baseline", "--no-cache");
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
  });

  it("init refuses a .github symlink instead of writing through it", async () => {
    symlinkSync(outside.dir, join(tmp.dir, ".github"));
    const result = await runCli(["init", "--yes", "--no-baseline", "--package", "https://example.com/rampart-0.1.0.tgz"], { cwd: tmp.dir, env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\.github is a symlink/);
    expect(readdirSync(outside.dir)).toEqual([]);
  });
});

describe("the rescan cache lives outside the scanned tree and is never trusted from it", () => {
  function gitRepo(): (...args: string[]) => string {
    const git = (...args: string[]) =>
      execFileSync("git", args, {
        cwd: tmp.dir,
        encoding: "utf8",
        env: { ...process.env, GIT_AUTHOR_NAME: "A", GIT_AUTHOR_EMAIL: "a@example.com", GIT_COMMITTER_NAME: "A", GIT_COMMITTER_EMAIL: "a@example.com" },
      });
    git("init", "-q", "-b", "main");
    return git;
  }

  it("leaves git status clean after a scan, and caches under XDG_CACHE_HOME", async () => {
    const git = gitRepo();
    write("src/a.ts", `const t = "${githubToken()}";\n`);
    git("add", "-A");
    git("commit", "-q", "-m", "one");
    expect((await scan()).code).toBe(1);
    expect((await scan()).code).toBe(1);
    expect(git("status", "--porcelain", "--ignored")).toBe("");
    expect(readdirSync(join(cacheHome.dir, "rampart"))).toHaveLength(1);
  });

  it("ignores a committed .rampart-cache whose entries are all empty", async () => {
    write("src/a.ts", `const t = "${githubToken()}";\n`);
    const first = JSON.parse((await scan("--format", "json")).stdout) as Json;
    expect(first.findings.length).toBeGreaterThan(0);
    // What an attacker would commit: the real cache with every entry emptied, at the old and new names.
    const [dir] = readdirSync(join(cacheHome.dir, "rampart"));
    const real = JSON.parse(readFileSync(join(cacheHome.dir, "rampart", dir!, "scan-cache-v2.json"), "utf8")) as { entries: Record<string, unknown> };
    const forged = JSON.stringify({ ...real, entries: Object.fromEntries(Object.keys(real.entries).map((k) => [k, []])) });
    write(".rampart-cache/scan-cache-v1.json", forged);
    write(".rampart-cache/scan-cache-v2.json", forged);
    write("node_modules/.cache/rampart/scan-cache-v2.json", forged);
    const fresh = tempDir();
    try {
      const again = await runCli(["scan", "--format", "json"], { cwd: tmp.dir, env: { XDG_CACHE_HOME: fresh.dir } });
      expect(again.code).toBe(1);
      expect((JSON.parse(again.stdout) as Json).findings).toEqual(first.findings);
    } finally {
      fresh.cleanup();
    }
  });

  it("does not write through a symlink planted where the cache goes", async () => {
    write("a.ts", "export {};\n");
    await scan();
    const [dir] = readdirSync(join(cacheHome.dir, "rampart"));
    const cacheDir = join(cacheHome.dir, "rampart", dir!);
    const victim = writeOutside("victim.json", "precious\n");
    // The old fixed temp name and the cache file itself, both links to the victim.
    for (const name of [`scan-cache-v2.json.${process.pid}.tmp`, "scan-cache-v2.json"]) {
      const link = join(cacheDir, name);
      if (existsSync(link) || lstatSync(link, { throwIfNoEntry: false })) execFileSync("rm", ["-f", link]);
      symlinkSync(victim, link);
    }
    write("b.ts", "export {};\n");
    await scan();
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
  });
});

describe("wrong exit codes and raw terminal output", () => {
  it("exits 2 for a missing path and for --max-file-size 0", async () => {
    const missing = await scan("./typo", "--no-cache");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/"\.\/typo" does not exist/);
    const zero = await scan("--max-file-size", "0", "--no-cache");
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--max-file-size/);
  });

  it("escapes ANSI/OSC escapes and newlines in file names in text and markdown output", async () => {
    const evil = "\u001b]8;;https:evil.example\u0007click\u001b]8;;\u0007\u001b[2J\nfake.ts:1:1  critical  forged";
    write(`${evil}.ts`, `const t = "${githubToken()}";\n`);
    for (const format of ["text", "markdown"]) {
      const result = await scan("--no-cache", "--format", format);
      expect(result.code).toBe(1);
      expect(result.stdout).not.toContain("\u001b");
      expect(result.stdout).not.toContain("\u0007");
      expect(result.stdout).not.toMatch(/^fake\.ts/m);
      expect(result.stdout).toContain("\\x1b]8;;https:evil.example\\x07click");
    }
  });

  it("skips a file over the text limit with a reason instead of aborting the scan", async () => {
    write("small.ts", `const t = "${githubToken()}";\n`);
    // 600 MB of text (written, not sparse: a sparse file would be all zero bytes and look binary).
    const fd = openSync(join(tmp.dir, "huge.log"), "w");
    const chunk = Buffer.alloc(8 * 1024 * 1024, "a\n");
    for (let i = 0; i < 75; i++) writeSync(fd, chunk);
    closeSync(fd);
    const result = await scan("--no-cache", "--max-file-size", "1GB", "--format", "json");
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as Json;
    expect(report.findings.map((f) => f.path)).toEqual(["small.ts"]);
    expect(report.summary.skipped).toEqual([{ path: "huge.log", reason: expect.stringMatching(/larger than 256\.0 MB/) }]);
  }, 60_000);
});

describe("per-file time budget", () => {
  it("skips a file's remaining checks once its budget is spent, reports which, and keeps earlier findings", () => {
    const busy = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    const rule = (id: string, ms: number): ScanRule => ({
      meta: { id, category: "misconfig", severity: "high", description: id, source: "test" },
      check: (file) => {
        busy(ms);
        return [{ message: `${id} found`, start: 0, end: Math.min(3, file.text.length) }];
      },
    });
    const errors: Array<[string, string]> = [];
    const findings = applyRules(
      [rule("fast", 0), rule("slow", 60), rule("never-a", 0), rule("never-b", 0)],
      { path: "a.ts", text: "abc" },
      (id, e) => errors.push([id, (e as Error).message]),
      30,
    );
    expect(findings.map((f) => f.ruleId)).toEqual(["fast", "slow"]);
    expect(errors).toEqual([["never-a, never-b", expect.stringMatching(/over the 30 ms per-file budget/)]]);
  });
});

describe("ignore files above the scanned directory", () => {
  it("apply up to the repository's top, never hide a tracked file, and do not hide a directory the user names", async () => {
    const git = (...args: string[]) =>
      execFileSync("git", args, {
        cwd: tmp.dir,
        encoding: "utf8",
        env: { ...process.env, GIT_AUTHOR_NAME: "A", GIT_AUTHOR_EMAIL: "a@example.com", GIT_COMMITTER_NAME: "A", GIT_COMMITTER_EMAIL: "a@example.com" },
      });
    git("init", "-q", "-b", "main");
    write(".gitignore", "src/generated/\nvendor/\n*.local.ts\n");
    write("src/app.ts", `const t = "${githubToken()}";\n`);
    write("src/generated/client.ts", `const t = "${githubToken()}";\n`);
    write("src/forced.local.ts", `const t = "${githubToken()}";\n`);
    write("vendor/lib/a.ts", `const t = "${githubToken()}";\n`);
    git("add", "src/app.ts", ".gitignore");
    git("add", "-f", "src/forced.local.ts");
    write(".git/info/exclude", "src/excluded.ts\n");
    write("src/excluded.ts", `const t = "${githubToken()}";\n`);
    const paths = async (...args: string[]) =>
      (JSON.parse((await runCli(["scan", ...args, "--no-cache", "--format", "json"], { cwd: tmp.dir, env: env() })).stdout) as Json).findings
        .map((f) => f.path)
        .sort();
    expect(await paths("src")).toEqual(["app.ts", "forced.local.ts"]);
    expect(await paths(".")).toEqual(["src/app.ts", "src/forced.local.ts"]);
    expect(await paths("vendor")).toEqual(["lib/a.ts"]);
  });
});
