import type { BatchObservableResult, Meter } from "@opentelemetry/api";
import { METRICS } from "../telemetry/metric-names.js";
import type { IssueReport } from "./issue-report.js";

/**
 * The monthly numbers as observable gauges: they are recomputed from GitHub on every run and may be restated,
 * and metric points cannot be backdated, so each observation carries its month as an attribute.
 * `read` returns the latest report, or one per repository (undefined until the first one is ready).
 */
export function observeIssueReport(meter: Meter, read: () => IssueReport | readonly IssueReport[] | undefined): void {
  const opened = meter.createObservableGauge(METRICS.securityIssuesOpened, {
    description: "Security issues opened in a calendar month (UTC)",
    unit: "{issue}",
  });
  const closed = meter.createObservableGauge(METRICS.securityIssuesClosed, {
    description: "Security issues closed in a calendar month (UTC)",
    unit: "{issue}",
  });
  const target = meter.createObservableGauge(METRICS.securityIssuesTarget, {
    description: "Monthly ceiling: the baseline reduced by the target percent",
    unit: "{issue}",
  });
  const rolling3 = meter.createObservableGauge(METRICS.securityIssuesRolling3, {
    description: "Mean security issues opened over the last three months after the baseline",
    unit: "{issue}",
  });
  const sla = meter.createObservableGauge(METRICS.securityIssuesSlaCompliance, {
    description: "Share of a month's security issues answered within the response SLA",
  });
  meter.addBatchObservableCallback(
    (result) => {
      const latest = read();
      const reports: readonly IssueReport[] = latest === undefined ? [] : Array.isArray(latest) ? latest : [latest as IssueReport];
      for (const report of reports) observeOne(result, report);
    },
    [opened, closed, target, rolling3, sla],
  );

  function observeOne(result: BatchObservableResult, report: IssueReport): void {
    for (const m of report.months) {
      result.observe(opened, m.opened, { repo: report.repo, month: m.month, source: "issue" });
      if (m.advisories !== null) result.observe(opened, m.advisories, { repo: report.repo, month: m.month, source: "advisory" });
      result.observe(closed, m.closed, { repo: report.repo, month: m.month });
      if (m.slaCompliance !== null) result.observe(sla, m.slaCompliance, { repo: report.repo, month: m.month });
    }
    if (report.target) result.observe(target, report.target.value, { repo: report.repo });
    if (report.target?.rolling3 != null) result.observe(rolling3, report.target.rolling3, { repo: report.repo });
  }
}
