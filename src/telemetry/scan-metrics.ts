import type { Meter } from "@opentelemetry/api";
import type { Finding } from "../core/finding.js";
import { METRICS } from "./metric-names.js";

/**
 * Counts a scan's findings by rule, severity and category. Paths, values and fingerprints never become
 * attributes: they would leak what was found and explode the number of series.
 */
export function recordScanFindings(meter: Meter, findings: readonly Finding[]): void {
  const counter = meter.createCounter(METRICS.scanFindings, { description: "Findings of rampart scan", unit: "{finding}" });
  const counts = new Map<string, { rule: string; severity: string; category: string; n: number }>();
  for (const f of findings) {
    const key = `${f.ruleId}\u0000${f.severity}\u0000${f.category}`;
    const entry = counts.get(key) ?? { rule: f.ruleId, severity: f.severity, category: f.category, n: 0 };
    entry.n++;
    counts.set(key, entry);
  }
  for (const c of counts.values()) counter.add(c.n, { rule: c.rule, severity: c.severity, category: c.category });
}
