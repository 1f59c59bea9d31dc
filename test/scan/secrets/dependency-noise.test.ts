import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot, spawnCli } from "../../support/cli.js";

interface Judgement {
  rule: string;
  path: string;
  count: number;
  verdict: string;
}

/** At most a handful: issue 17's goal for real code nobody here wrote. */
const MOST_FINDINGS = 20;

const judged = parse(readFileSync(new URL("./dependency-noise.judged.yaml", import.meta.url), "utf8")) as Judgement[];
const key = (rule: string, path: string) => `${rule} ${path}`;

/** Findings per rule and file, so a judgement stays valid when a package's line numbers move. */
function countByPlace(findings: { ruleId: string; path: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(key(f.ruleId, f.path), (counts.get(key(f.ruleId, f.path)) ?? 0) + 1);
  return counts;
}

describe("the default scan on this project's own installed dependencies (real code nobody here wrote)", () => {
  it("reports at most a handful of findings, each one judged in dependency-noise.judged.yaml", { timeout: 120_000 }, () => {
    // The packages, not tool output kept beside them (vitest's cache holds our own tests' planted keys).
    const modules = join(repoRoot, "node_modules");
    const packages = readdirSync(modules).filter((name) => !name.startsWith("."));
    const result = spawnCli(["scan", ...packages, "--format", "json", "--no-cache"], { cwd: modules });
    expect([0, 1], result.stderr).toContain(result.code);
    const { findings } = JSON.parse(result.stdout) as { findings: { ruleId: string; path: string }[] };
    const seen = countByPlace(findings);
    const expected = new Map(judged.map((j) => [key(j.rule, j.path), j.count]));
    const unjudged = [...seen].filter(([place, n]) => expected.get(place) !== n).map(([place, n]) => `${place} ×${n}`);
    const gone = [...expected].filter(([place]) => !seen.has(place)).map(([place]) => place);
    expect(unjudged, "findings not judged (or judged with another count): fix the rule, or judge them in dependency-noise.judged.yaml").toEqual([]);
    expect(gone, "judged findings no longer reported: remove them from dependency-noise.judged.yaml").toEqual([]);
    expect(findings.length).toBeLessThanOrEqual(MOST_FINDINGS);
  });
});
