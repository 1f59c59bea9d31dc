import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { scanPaths } from "../../../src/scan/engine.js";
import { loadScanRules } from "../../../src/scan/registry.js";
import { scanFragment } from "../../../src/scan/scan-file.js";
import { Scanner } from "../../../src/scan/scanner.js";
import { type Skipped, walkFiles } from "../../../src/scan/walk/walk.js";
import { githubToken, tempDir } from "./fixtures.js";

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

async function walk(dir: string, extra: Partial<Parameters<typeof walkFiles>[0]> = {}) {
  const skipped: Skipped[] = [];
  const files: string[] = [];
  for await (const f of walkFiles({ roots: [dir], base: dir, gitignore: true, ...extra }, (s) => skipped.push(s))) files.push(f.path);
  return { files: files.sort(), skipped };
}

function write(rel: string, text: string | Buffer): void {
  const path = join(tmp.dir, rel);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
}

describe("walkFiles", () => {
  it("cascades nested .gitignore files like git, with negation, and applies .rampartignore", async () => {
    write(".gitignore", "*.log\nbuild/\n");
    write("a.log", "x");
    write("keep.txt", "x");
    write("build/out.js", "x");
    write("pkg/.gitignore", "!important.log\nlocal.txt\n");
    write("pkg/important.log", "x");
    write("pkg/other.log", "x");
    write("pkg/local.txt", "x");
    write("local.txt", "x");
    write(".rampartignore", "fixtures/\n");
    write("fixtures/secret.txt", "x");
    const { files } = await walk(tmp.dir);
    expect(files).toEqual([".gitignore", ".rampartignore", "keep.txt", "local.txt", "pkg/.gitignore", "pkg/important.log"]);
  });

  it("--no-gitignore scans ignored files but still honours .rampartignore", async () => {
    write(".gitignore", "*.env\n");
    write(".rampartignore", "vendor/\n");
    write("prod.env", "x");
    write("vendor/x.js", "x");
    const { files } = await walk(tmp.dir, { gitignore: false });
    expect(files).toEqual([".gitignore", ".rampartignore", "prod.env"]);
  });

  it("always skips .git and node_modules", async () => {
    write(".git/config", "x");
    write("node_modules/pkg/index.js", "x");
    write("src/node_modules/pkg/index.js", "x");
    write("src/a.js", "x");
    expect((await walk(tmp.dir)).files).toEqual(["src/a.js"]);
  });

  it("reports FIFOs, broken symlinks, symlinked directories and symlink loops as skipped, with reasons", async () => {
    write("ok.txt", "fine");
    execFileSync("mkfifo", [join(tmp.dir, "pipe")]);
    symlinkSync(join(tmp.dir, "missing"), join(tmp.dir, "dangling"));
    mkdirSync(join(tmp.dir, "d"));
    symlinkSync(tmp.dir, join(tmp.dir, "d", "loop"));
    symlinkSync(join(tmp.dir, "self"), join(tmp.dir, "self"));
    const { files, skipped } = await walk(tmp.dir);
    expect(files).toEqual(["ok.txt"]);
    const reasons = Object.fromEntries(skipped.map((s) => [s.path, s.reason]));
    expect(reasons["pipe"]).toMatch(/not a regular file/);
    expect(reasons["dangling"]).toMatch(/broken symlink/);
    expect(reasons["d/loop"]).toMatch(/symlinked directory/);
    expect(reasons["self"]).toMatch(/symlink loop/);
  });

  it("follows symlinked directories on request without looping", async () => {
    write("real/a.txt", "x");
    symlinkSync(join(tmp.dir, "real"), join(tmp.dir, "alias"));
    symlinkSync(tmp.dir, join(tmp.dir, "real", "up"));
    const { files, skipped } = await walk(tmp.dir, { followSymlinks: true });
    // Whichever name is reached first wins; the same directory is never scanned twice.
    expect(files).toEqual(["alias/a.txt"]);
    expect(skipped.some((s) => /symlink loop/.test(s.reason))).toBe(true);
  });

  it("reports a root that does not exist instead of throwing", async () => {
    const { files, skipped } = await walk(join(tmp.dir, "nope"));
    expect(files).toEqual([]);
    expect(skipped[0]?.reason).toMatch(/ENOENT/);
  });
});

describe("scanPaths on awkward files", () => {
  it("skips binaries and minified files, decodes non-UTF-8 leniently, and still finds the secret next to them", async () => {
    const token = githubToken();
    write("image.png", Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]), Buffer.from(token)]));
    write("bundle.min.js", `var a=1;${"x".repeat(20000)}${token}`);
    write("latin1.txt", Buffer.concat([Buffer.from("caf\xe9 \xff\xfe ", "latin1"), Buffer.from(`token=${token}\n`)]));
    write("huge.env", `TOKEN=${token}\n${"a\n".repeat(20000)}`);
    const result = await scanPaths({ cwd: tmp.dir, jobs: 1, cache: false, maxFileSize: 30000 });
    expect(result.findings.map((f) => f.path)).toEqual(["latin1.txt"]);
    const reasons = Object.fromEntries(result.skipped.map((s) => [s.path, s.reason]));
    expect(reasons["image.png"]).toBe("binary");
    expect(reasons["bundle.min.js"]).toMatch(/minified/);
    expect(reasons["huge.env"]).toMatch(/larger than the 29.3 KB limit/);
    expect(result.scanned).toBe(1);
  });

  it("turns a FIFO and a vanished symlink target into skips, never a crash", async () => {
    execFileSync("mkfifo", [join(tmp.dir, "fifo.env")]);
    write("a.txt", githubToken());
    symlinkSync(join(tmp.dir, "gone.txt"), join(tmp.dir, "link.txt"));
    const result = await scanPaths({ cwd: tmp.dir, jobs: 1, cache: false });
    expect(result.findings).toHaveLength(1);
    expect(result.skipped.map((s) => s.path).sort()).toEqual(["fifo.env", "link.txt"]);
  });
});

describe("scanFragment", () => {
  it("turns a file that vanished after the walk listed it, or a directory in its place, into a skip", () => {
    const context = { scanner: new Scanner(loadScanRules(), { fingerprint: "t" }), maxFileSize: 1024 };
    expect(scanFragment({ path: "gone.txt", file: join(tmp.dir, "gone.txt") }, context)).toEqual({
      kind: "skipped",
      rel: "gone.txt",
      reason: "unreadable (ENOENT)",
    });
    mkdirSync(join(tmp.dir, "now-a-dir"));
    expect(scanFragment({ path: "now-a-dir", file: join(tmp.dir, "now-a-dir") }, context)).toMatchObject({
      kind: "skipped",
      reason: expect.stringMatching(/not a regular file/),
    });
    execFileSync("mkfifo", [join(tmp.dir, "fifo")]);
    expect(scanFragment({ path: "fifo", file: join(tmp.dir, "fifo") }, context)).toMatchObject({
      kind: "skipped",
      reason: expect.stringMatching(/not a regular file/),
    });
  });
});
