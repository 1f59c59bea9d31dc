import { styleText } from "node:util";
import type { Finding } from "../core/finding.js";
import { SEVERITIES, type Severity } from "../core/severity.js";
import type { FormatOptions } from "./format.js";
import type { Report } from "./report.js";
import { terminalSafe } from "./terminal-safe.js";

type Style = Parameters<typeof styleText>[0];
const severityStyle: Record<Severity, Style> = {
  critical: ["bold", "red"],
  high: "red",
  medium: "yellow",
  low: "cyan",
  info: "gray",
};

/** One line per finding, `path:line:col` first so terminals and CI logs make it clickable. */
export function formatText(report: Report, options: FormatOptions): string {
  const paint = (style: Style, text: string) => (options.color ? styleText(style, text, { validateStream: false }) : text);
  const lines = report.findings.map((f) => findingLine(f, paint));
  const skipped = report.summary.skipped.length;
  if (skipped > 0) lines.push(paint("gray", `${skipped} skipped (see --format json for reasons)`));
  lines.push(summaryLine(report, paint));
  return `${lines.join("\n")}\n`;
}

/** Every piece that may come from the scanned repository goes through terminalSafe. */
function findingLine(f: Finding, paint: (s: Style, t: string) => string): string {
  const where = terminalSafe(`${f.path}:${f.line}:${f.column}`);
  const evidence = f.redacted ? `  ${paint("dim", terminalSafe(f.redacted))}` : "";
  const tags = f.tags && f.tags.length > 0 ? paint("gray", ` [${terminalSafe(f.tags.join(", "))}]`) : "";
  const origin = f.commit ? paint("gray", terminalSafe(`  (commit ${f.commit.slice(0, 12)}${f.author ? ` by ${f.author}` : ""}${f.date ? ` on ${f.date}` : ""})`)) : "";
  return `${paint("bold", where)}  ${paint(severityStyle[f.severity], f.severity.padEnd(8))}  ${terminalSafe(f.ruleId)}  ${terminalSafe(f.message)}${evidence}${tags}${origin}`;
}

function summaryLine(report: Report, paint: (s: Style, t: string) => string): string {
  const { summary } = report;
  const noun = report.kind === "scan" ? "files" : "repositories";
  if (summary.total === 0) return paint("green", `✔ no findings (${summary.scanned} ${noun} checked)`);
  const counts = [...SEVERITIES].reverse().filter((s) => summary.bySeverity[s] > 0).map((s) => `${summary.bySeverity[s]} ${s}`);
  const gate = summary.failing > 0 ? paint("red", `${summary.failing} at or above --fail-on ${summary.gate}`) : paint("green", `none at or above --fail-on ${summary.gate}`);
  return `${summary.total} findings (${counts.join(", ")}) in ${summary.scanned} ${noun}; ${gate}`;
}
