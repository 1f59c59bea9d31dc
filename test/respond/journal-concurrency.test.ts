import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spawnCliAsync } from "../support/cli.js";

const STEPS = ["triage", "revoke", "find-copies", "review-usage", "deploy-new"];

describe("concurrent journal writers", () => {
  it("50 simultaneous incident step/note processes all succeed and leave one valid chain", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "rampart-concurrent-"));
    const opened = await spawnCliAsync(["incident", "open", "leaked-secret", "--title", "race"], { cwd });
    expect(opened.code).toBe(0);
    const id = opened.stdout.trim();
    const runs = Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0
        ? spawnCliAsync(["incident", "step", id, STEPS[i % STEPS.length]!, "--done", "--note", `writer ${i}`], { cwd })
        : spawnCliAsync(["incident", "note", id, `writer ${i}`], { cwd }),
    );
    const results = await Promise.all(runs);
    expect(results.filter((r) => r.code !== 0).map((r) => r.stderr)).toEqual([]);
    const entries = readFileSync(join(cwd, "incidents", `${id}.jsonl`), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { seq: number; data: Record<string, string> });
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
    const writers = entries
      .slice(1)
      .map((e) => e.data.note ?? e.data.text)
      .sort();
    expect(writers).toEqual(Array.from({ length: 50 }, (_, i) => `writer ${i}`).sort());
    const verify = await spawnCliAsync(["incident", "verify", id], { cwd });
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain("head 51:");
  }, 120_000);
});

describe("a writer that died holding the lock", () => {
  it("does not block the journal: a lock older than 10 s is taken over", async () => {
    const { mkdirSync, utimesSync } = await import("node:fs");
    const { runCli } = await import("../support/cli.js");
    const cwd = mkdtempSync(join(tmpdir(), "rampart-stale-lock-"));
    const id = (await runCli(["incident", "open", "leaked-secret", "--title", "stale"], { cwd })).stdout.trim();
    const lock = join(cwd, "incidents", `${id}.jsonl.lock`);
    mkdirSync(lock);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const note = await runCli(["incident", "note", id, "after a crash"], { cwd });
    expect(note.code, note.stderr).toBe(0);
    expect((await runCli(["incident", "verify", id], { cwd })).stdout).toContain("head 2:");
  });
});
