import type { Finding, RuleMeta } from "../core/finding.js";
import { reachesGate, SEVERITIES, type Severity } from "../core/severity.js";

export const FORMATS = ["text", "json", "sarif", "junit", "github", "markdown"] as const;
export type FormatName = (typeof FORMATS)[number];

/** Counts a run's findings and decides the gate. */
export interface Summary {
  total: number;
  bySeverity: Record<Severity, number>;
  gate: Severity;
  /** Findings at or above the gate; the exit code is 1 when this is above zero. */
  failing: number;
  /** Files (scan) or repositories (audit) looked at; commits for a history scan (see `unit`). */
  scanned: number;
  /** What `scanned` counts when it is not the kind's default (files for scan, repositories for audit). */
  unit?: "commits";
  /** Items passed over, with why (binary, too large, unreadable, permission missing, ...). */
  skipped: Array<{ path: string; reason: string }>;
}

/** Everything a formatter needs; built by `scan` and `audit`, so both print the same formats. */
export interface Report {
  tool: { name: string; version: string };
  kind: "scan" | "audit";
  findings: Finding[];
  /** Metadata of the rules that ran, for SARIF `tool.driver.rules` and help text. */
  rules: RuleMeta[];
  summary: Summary;
}

export function summarize(findings: readonly Finding[], gate: Severity, scanned: number, skipped: Summary["skipped"] = [], unit?: Summary["unit"]): Summary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) bySeverity[f.severity]++;
  const failing = findings.filter((f) => reachesGate(f.severity, gate)).length;
  return { total: findings.length, bySeverity, gate, failing, scanned, skipped, ...(unit ? { unit } : {}) };
}
