import type { Report } from "./report.js";

/** `{ tool, findings, summary }`: the stable machine-readable form. */
export function formatJson(report: Report): string {
  const { tool, kind, findings, summary } = report;
  return `${JSON.stringify({ tool, kind, findings, summary }, null, 2)}\n`;
}
