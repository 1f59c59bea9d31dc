import type { Finding } from "../core/finding.js";
import type { Severity } from "../core/severity.js";
import type { Report } from "./report.js";

const command: Record<Severity, string> = { critical: "error", high: "error", medium: "warning", low: "notice", info: "notice" };

/** GitHub Actions workflow commands: each finding becomes an annotation on the PR diff. */
export function formatGithub(report: Report): string {
  const lines = report.findings.map(annotation);
  const { summary } = report;
  lines.push(`rampart: ${summary.total} findings, ${summary.failing} at or above --fail-on ${summary.gate}`);
  return `${lines.join("\n")}\n`;
}

function annotation(f: Finding): string {
  const props = [`title=${escapeProperty(`${f.ruleId} (${f.severity})`)}`];
  if (isFileLocation(f)) {
    props.unshift(`file=${escapeProperty(f.path)}`, `line=${f.line}`, `endLine=${f.endLine}`, `col=${f.column}`);
  }
  const evidence = f.redacted ? ` [${f.redacted}]` : "";
  const location = isFileLocation(f) ? "" : `${f.path}: `;
  return `::${command[f.severity]} ${props.join(",")}::${escapeData(`${location}${f.message}${evidence}`)}`;
}

/** Audit findings concern an org or repo, not a file in the checkout. */
function isFileLocation(f: Finding): boolean {
  return f.category !== "audit";
}

function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
