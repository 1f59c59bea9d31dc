import type { IssueReport, MonthRow } from "./issue-report.js";

/** The monthly table for a terminal or a CI log. */
export function issueReportText(report: IssueReport): string {
  const lines = [`${report.repo}: security issues per month, UTC (labels: ${report.labels.join(", ")})`, ""];
  lines.push(
    `${"month".padEnd(8)} ${"opened".padStart(6)} ${"closed".padStart(6)} ${"advisories".padStart(10)} ${"median 1st response".padStart(19)}  SLA ${report.slaHours}h`,
  );
  for (const r of report.months) lines.push(row(r));
  if (report.target) lines.push("", targetLine(report));
  for (const note of report.notes) lines.push(`note: ${note}`);
  return `${lines.join("\n")}\n`;
}

function row(r: MonthRow): string {
  const advisories = r.advisories === null ? "unknown" : String(r.advisories);
  const response = r.medianFirstResponseHours === null ? "-" : `${r.medianFirstResponseHours}h`;
  const sla = r.slaCompliance === null ? "-" : `${r.slaMet}/${r.slaDue} (${Math.round(r.slaCompliance * 100)}%)`;
  return `${r.month.padEnd(8)} ${String(r.opened).padStart(6)} ${String(r.closed).padStart(6)} ${advisories.padStart(10)} ${response.padStart(19)}  ${sla}`;
}

function targetLine(report: IssueReport): string {
  const t = report.target!;
  const verdict = t.rolling3 === null ? "no months after the baseline yet" : `last 3 months average ${t.rolling3}: ${t.met ? "met" : "not met"}`;
  return `target: ${t.percent}% below the baseline of ${t.baseline}/month (${t.baselineMonths[0]}..${t.baselineMonths.at(-1)}) → at most ${t.value}/month; ${verdict}`;
}
