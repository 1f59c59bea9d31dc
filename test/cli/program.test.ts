import { describe, expect, it } from "vitest";
import { runCli, spawnCli } from "../support/cli.js";

describe("rampart CLI", () => {
  it("prints its version", async () => {
    const { code, stdout } = await runCli(["--version"]);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("exits 2 with a hint on an unknown command", async () => {
    const { code, stderr } = await runCli(["frobnicate"]);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown command");
    expect(stderr).toContain("--help");
  });

  it("rejects an unknown rules format with exit 2 and no stack trace", async () => {
    const { code, stderr } = await runCli(["rules", "list", "--format", "xml"]);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown --format "xml"');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("the built binary answers --help", () => {
    const { code, stdout } = spawnCli(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("Usage: rampart");
  });
});

describe("rampart rules list", () => {
  it("lists the rules of every domain", async () => {
    const { code, stdout } = await runCli(["rules", "list", "--format", "json"]);
    expect(code).toBe(0);
    const categories = new Set((JSON.parse(stdout).rules as Array<{ category: string }>).map((r) => r.category));
    expect([...categories].sort()).toEqual(["audit", "detect", "misconfig", "secret"]);
  });
});
