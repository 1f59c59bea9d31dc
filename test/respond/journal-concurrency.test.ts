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
      i % 2 === 0 ? spawnCliAsync(["incident", "step", id, STEPS[i % STEPS.length]!, "--done", "--note", `writer ${i}`], { cwd }) : spawnCliAsync(["incident", "note", id, `writer ${i}`], { cwd }),
    );
    const results = await Promise.all(runs);
    expect(results.filter((r) => r.code !== 0).map((r) => r.stderr)).toEqual([]);
    const entries = readFileSync(join(cwd, "incidents", `${id}.jsonl`), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { seq: number; data: Record<string, string> });
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
    const writers = entries.slice(1).map((e) => e.data.note ?? e.data.text).sort();
    expect(writers).toEqual(Array.from({ length: 50 }, (_, i) => `writer ${i}`).sort());
    const verify = await spawnCliAsync(["incident", "verify", id], { cwd });
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain("head 51:");
  }, 120_000);
});
