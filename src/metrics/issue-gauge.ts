import type { Meter } from "@opentelemetry/api";
import { METRICS } from "../telemetry/metric-names.js";
import type { IssueReport } from "./issue-report.js";

/**
 * The monthly numbers as observable gauges: they are recomputed from GitHub on every run and may be restated,
 * and metric points cannot be backdated, so each observation carries its month as an attribute.
 * `read` returns the latest report (undefined until the first one is ready).
 */
export function observeIssueReport(meter: Meter, read: () => IssueReport | undefined): void {
  const opened = meter.createObservableGauge(METRICS.securityIssuesOpened, { description: "Security issues opened in a calendar month (UTC)", unit: "{issue}" });
  const closed = meter.createObservableGauge(METRICS.securityIssuesClosed, { description: "Security issues closed in a calendar month (UTC)", unit: "{issue}" });
  const target = meter.createObservableGauge(METRICS.securityIssuesTarget, { description: "Monthly ceiling: the baseline reduced by the target percent", unit: "{issue}" });
  const sla = meter.createObservableGauge(METRICS.securityIssuesSlaCompliance, { description: "Share of a month's security issues answered within the response SLA" });
  meter.addBatchObservableCallback((result) => {
    const report = read();
    if (!report) return;
    for (const m of report.months) {
      result.observe(opened, m.opened, { repo: report.repo, month: m.month, source: "issue" });
      if (m.advisories !== null) result.observe(opened, m.advisories, { repo: report.repo, month: m.month, source: "advisory" });
      result.observe(closed, m.closed, { repo: report.repo, month: m.month });
      if (m.slaCompliance !== null) result.observe(sla, m.slaCompliance, { repo: report.repo, month: m.month });
    }
    if (report.target) result.observe(target, report.target.value, { repo: report.repo });
  }, [opened, closed, target, sla]);
}
