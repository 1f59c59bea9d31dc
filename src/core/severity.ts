/** Ordered from least to most serious; the order is what `--fail-on` compares. */
export const SEVERITIES = ["info", "low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

export function isSeverity(value: unknown): value is Severity {
  return typeof value === "string" && (SEVERITIES as readonly string[]).includes(value);
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** True when `severity` is at or above `gate`. */
export function reachesGate(severity: Severity, gate: Severity): boolean {
  return severityRank(severity) >= severityRank(gate);
}
