import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), "rampart-hook-"));
  execFileSync("git", ["init", "-q"], { cwd: dir });
  return dir;
}

describe("rampart hook install", () => {
  it("writes an executable pre-commit hook that scans the staged changes", async () => {
    const dir = repo();
    const { code, stdout } = await runCli(["hook", "install"], { cwd: dir });
    expect(code).toBe(0);
    const path = join(dir, ".git", "hooks", "pre-commit");
    expect(stdout).toContain(path);
    expect(readFileSync(path, "utf8")).toContain("rampart scan --staged");
    expect(statSync(path).mode & 0o111).not.toBe(0);
    expect((await runCli(["hook", "install"], { cwd: dir })).code).toBe(0);
  });

  it("refuses to replace someone else's hook without --force", async () => {
    const dir = repo();
    const path = join(dir, ".git", "hooks", "pre-commit");
    writeFileSync(path, "#!/bin/sh\nnpm run lint\n");
    const refused = await runCli(["hook", "install"], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--force");
    expect(readFileSync(path, "utf8")).toContain("npm run lint");
    expect((await runCli(["hook", "install", "--force"], { cwd: dir })).code).toBe(0);
    expect(readFileSync(path, "utf8")).toContain("rampart scan --staged");
  });

  it("follows core.hooksPath", async () => {
    const dir = repo();
    mkdirSync(join(dir, ".githooks"));
    execFileSync("git", ["config", "core.hooksPath", ".githooks"], { cwd: dir });
    expect((await runCli(["hook", "install"], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, ".githooks", "pre-commit"), "utf8")).toContain("rampart scan --staged");
  });

  it("says what to do outside a git repository", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rampart-nogit-"));
    const { code, stderr } = await runCli(["hook", "install"], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toContain("git init");
  });
});
