import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/core/finding.js";
import { formatReport } from "../../src/report/format.js";
import { type Report, summarize } from "../../src/report/report.js";

function finding(overrides: Partial<Finding>): Finding {
  return {
    ruleId: "gha-unpinned-action",
    category: "misconfig",
    severity: "medium",
    path: ".github/workflows/ci.yml",
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 9,
    message: "unpinned action",
    fingerprint: "f",
    ...overrides,
  };
}

/** What a big agent monorepo gave: 128 unpinned-action lines and, at the end of the path order, two criticals. */
function bigReport(): Report {
  const findings = [
    ...Array.from({ length: 128 }, (_, i) => finding({ path: `.github/workflows/w${String(i).padStart(3, "0")}.yml`, line: i + 1 })),
    finding({ ruleId: "eliza-api-without-auth", severity: "critical", path: "zz/docker-compose.yml", line: 7, message: "agent API exposed without auth" }),
    finding({ ruleId: "gha-template-injection", severity: "high", path: "zz/.github/workflows/release.yml", line: 3, message: "template injection" }),
  ];
  const skipped = [
    { path: "a.png", reason: "binary" },
    { path: "b.png", reason: "binary" },
    { path: "huge.json", reason: "larger than the 2.0 MB limit (3.1 MB; raise --max-file-size to scan it)" },
    { path: "dist/app.min.js", reason: "minified or generated (very long lines)" },
  ];
  return { tool: { name: "rampart", version: "0.1.0" }, kind: "scan", findings, rules: [], summary: summarize(findings, "high", 500, skipped) };
}

describe("text output for a big repository", () => {
  it("lists failing findings first, most severe first, then a per-rule summary and skipped files by reason", () => {
    const lines = formatReport("text", bigReport()).trimEnd().split("\n");
    expect(lines[0]).toMatch(/^zz\/docker-compose\.yml:7:1\s+critical\s+eliza-api-without-auth/);
    expect(lines[1]).toMatch(/^zz\/\.github\/workflows\/release\.yml:3:1\s+high/);
    const byRule = lines.indexOf("by rule:");
    expect(lines.slice(byRule + 1, byRule + 4).map((l) => l.trim().split(/\s+/))).toEqual([
      ["1", "critical", "eliza-api-without-auth"],
      ["1", "high", "gha-template-injection"],
      ["128", "medium", "gha-unpinned-action"],
    ]);
    expect(lines).toContain("4 skipped (paths and details: --format json):");
    expect(lines.map((l) => l.trim())).toEqual(expect.arrayContaining(["2  binary", "1  larger than the 2.0 MB limit", "1  minified or generated"]));
    expect(lines.at(-1)).toBe("130 findings (1 critical, 1 high, 128 medium) in 500 files; 2 at or above --fail-on high");
  });

  it("--only-failing lists only what fails the gate, and says how many it left out", () => {
    const text = formatReport("text", bigReport(), { color: false, onlyFailing: true });
    expect(text).not.toMatch(/w000\.yml/);
    expect(text).toMatch(/128 below --fail-on high not listed \(--only-failing\)/);
    expect(text).toMatch(/^zz\/docker-compose\.yml:7:1/);
  });

  it("markdown counts skipped files by reason too", () => {
    const text = formatReport("markdown", bigReport());
    expect(text).toContain("- 2  binary");
    expect(text).toContain("critical | `eliza-api-without-auth`");
  });
});
