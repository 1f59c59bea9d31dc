import { describe, expect, it } from "vitest";
import type { Finding } from "../../../src/core/finding.js";
import { applyRules, matchesGlobs } from "../../../src/scan/apply-rules.js";
import { loadMisconfigRules } from "../../../src/scan/misconfig/catalog.js";
import type { ScanFile } from "../../../src/scan/rule.js";
import { ELIZA_DEPLOYMENT, type Expectation, materialize } from "./fixture/eliza-deployment.js";

/**
 * Acceptance: on a realistic elizaOS-style deployment repo, at least 90% of the planted
 * misconfigurations are reported on the right line, and no safe look-alike is flagged.
 */
const { files, expected, lookalikes } = materialize(ELIZA_DEPLOYMENT);
const tree = Object.keys(files).sort();

function scanWithApplyRules(): Finding[] {
  const rules = loadMisconfigRules();
  const errors: string[] = [];
  const findings = tree.flatMap((path) =>
    applyRules(rules, { path, text: files[path]!, tree } as ScanFile, (id, error) => errors.push(`${id} on ${path}: ${String(error)}`)),
  );
  expect(errors).toEqual([]);
  return findings;
}

interface Score {
  detected: number;
  total: number;
  missed: string[];
  falsePositives: string[];
  lookalikesFlagged: string[];
}

function score(findings: Finding[]): Score {
  const wanted = expected.flatMap((e) => e.rules.map((rule) => ({ ...e, rule })));
  const found = (path: string, line: number, rule: string) => findings.some((f) => f.path === path && f.line === line && f.ruleId === rule);
  const missed = wanted.filter((w) => !found(w.path, w.line, w.rule)).map((w) => `${w.path}:${w.line} ${w.rule}`);
  const isExpected = (f: Finding) => wanted.some((w) => w.path === f.path && w.line === f.line && w.rule === f.ruleId);
  const falsePositives = findings.filter((f) => !isExpected(f)).map((f) => `${f.path}:${f.line} ${f.ruleId}: ${f.message}`);
  const onLine = (l: Expectation) => findings.some((f) => f.path === l.path && f.line === l.line);
  const lookalikesFlagged = lookalikes.filter(onLine).map((l) => `${l.path}:${l.line}`);
  return { detected: wanted.length - missed.length, total: wanted.length, missed, falsePositives, lookalikesFlagged };
}

function report(label: string, s: Score): void {
  const rate = ((100 * s.detected) / s.total).toFixed(1);
  console.log(
    `[misconfig acceptance/${label}] detected ${s.detected}/${s.total} planted misconfigurations on the right line (${rate}%), ${lookalikes.length} look-alikes, ${s.lookalikesFlagged.length} flagged, ${s.falsePositives.length} unexpected findings`,
  );
  if (s.missed.length > 0) console.log(`  missed: ${s.missed.join("; ")}`);
}

describe("elizaOS-style deployment fixture", () => {
  it("plants every misconfiguration the issue lists, each beside look-alikes", () => {
    const rules = new Set(expected.flatMap((e) => e.rules));
    // Structural secret checks (eliza-character-secret) carry their own examples, like the secret rules.
    const ids = loadMisconfigRules()
      .filter((r) => r.meta.category === "misconfig")
      .map((r) => r.meta.id);
    // Every rule has at least one planted case; the fixture is not allowed to quietly drop one.
    expect([...ids].filter((id) => !rules.has(id))).toEqual([]);
    expect(expected.length).toBeGreaterThanOrEqual(30);
    expect(lookalikes.length).toBeGreaterThanOrEqual(30);
  });

  it("through applyRules: >= 90% reported on the right line, no look-alike flagged", () => {
    const s = score(scanWithApplyRules());
    report("applyRules", s);
    expect(s.lookalikesFlagged).toEqual([]);
    expect(s.falsePositives).toEqual([]);
    expect(s.detected / s.total).toBeGreaterThanOrEqual(0.9);
  });

  it("keyword prefilters never hide a finding the check itself would make", () => {
    for (const rule of loadMisconfigRules()) {
      for (const path of tree) {
        if (rule.meta.files && !matchesGlobs(rule.meta.files, path)) continue;
        const file = { path, text: files[path]!, tree } as ScanFile;
        const direct = rule.check(file).length;
        const filtered = applyRules([rule], file).length;
        expect(filtered, `${rule.meta.id} on ${path}`).toBe(direct);
      }
    }
  });
});
