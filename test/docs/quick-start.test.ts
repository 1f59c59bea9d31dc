import { describe, expect, it } from "vitest";
import { repoRoot, runCli } from "../support/cli.js";

describe("README's quick start", () => {
  it("`rampart scan .` on this repository finds nothing at or above the gate (exit 0)", async () => {
    const result = await runCli(["scan", ".", "--format", "json"], { cwd: repoRoot });
    const report = JSON.parse(result.stdout) as { findings: Array<{ path: string; line: number; ruleId: string }> };
    // On failure, name what was found so the fix is obvious.
    expect(report.findings.map((f) => `${f.path}:${f.line} ${f.ruleId}`)).toEqual([]);
    expect(result.code).toBe(0);
  }, 60_000);
});
