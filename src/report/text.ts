import { styleText } from "node:util";
import type { Finding } from "../core/finding.js";
import { reachesGate, SEVERITIES, type Severity } from "../core/severity.js";
import type { FormatOptions } from "./format-options.js";
import type { Report } from "./report.js";
import { terminalSafe } from "./terminal-safe.js";

type Style = Parameters<typeof styleText>[0];
type Paint = (style: Style, text: string) => string;
const severityStyle: Record<Severity, Style> = {
  critical: ["bold", "red"],
  high: "red",
  medium: "yellow",
  low: "cyan",
  info: "gray",
};
/** With more findings than this, a per-rule summary follows the list (a big repository's log stays readable). */
const RULE_SUMMARY_FROM = 10;

/**
 * One line per finding, `path:line:col` first so terminals and CI logs make it clickable. Findings at or
 * above the gate come first, most severe first, so a critical is never buried under a hundred medium lines;
 * then a per-rule summary, skipped files counted by reason, and the verdict.
 */
export function formatText(report: Report, options: FormatOptions): string {
  const paint: Paint = (style, text) => (options.color ? styleText(style, text, { validateStream: false }) : text);
  const gate = report.summary.gate;
  const failing = report.findings.filter((f) => reachesGate(f.severity, gate));
  const below = options.onlyFailing ? [] : report.findings.filter((f) => !reachesGate(f.severity, gate));
  const lines = [...bySeverity(failing), ...bySeverity(below)].map((f) => findingLine(f, paint));
  const hidden = report.findings.length - failing.length - below.length;
  if (hidden > 0) lines.push(paint("gray", `${hidden} below --fail-on ${gate} not listed (--only-failing)`));
  if (report.findings.length > RULE_SUMMARY_FROM) lines.push(...ruleSummary(report.findings, paint));
  lines.push(...skippedSummary(report.summary.skipped, paint));
  lines.push(summaryLine(report, paint));
  return `${lines.join("\n")}\n`;
}

/** Most severe first; within a severity the input's order (by location) stays. */
function bySeverity(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity));
}

/** Every piece that may come from the scanned repository goes through terminalSafe. */
function findingLine(f: Finding, paint: Paint): string {
  const where = terminalSafe(`${f.path}:${f.line}:${f.column}`);
  const evidence = f.redacted ? `  ${paint("dim", terminalSafe(f.redacted))}` : "";
  const tags = f.tags && f.tags.length > 0 ? paint("gray", ` [${terminalSafe(f.tags.join(", "))}]`) : "";
  const origin = f.commit
    ? paint("gray", terminalSafe(`  (commit ${f.commit.slice(0, 12)}${f.author ? ` by ${f.author}` : ""}${f.date ? ` on ${f.date}` : ""})`))
    : "";
  return `${paint("bold", where)}  ${paint(severityStyle[f.severity], f.severity.padEnd(8))}  ${terminalSafe(f.ruleId)}  ${terminalSafe(f.message)}${evidence}${tags}${origin}`;
}

/** One line per rule: its most severe finding's severity, the count, the rule; most severe and most frequent first. */
function ruleSummary(findings: readonly Finding[], paint: Paint): string[] {
  const rules = new Map<string, { count: number; severity: Severity }>();
  for (const f of findings) {
    const seen = rules.get(f.ruleId);
    if (!seen) rules.set(f.ruleId, { count: 1, severity: f.severity });
    else {
      seen.count++;
      if (SEVERITIES.indexOf(f.severity) > SEVERITIES.indexOf(seen.severity)) seen.severity = f.severity;
    }
  }
  const rows = [...rules].sort(([a, x], [b, y]) => SEVERITIES.indexOf(y.severity) - SEVERITIES.indexOf(x.severity) || y.count - x.count || (a < b ? -1 : 1));
  return [
    "",
    paint("bold", "by rule:"),
    ...rows.map(([id, { count, severity }]) => `  ${String(count).padStart(5)}  ${paint(severityStyle[severity], severity.padEnd(8))}  ${terminalSafe(id)}`),
  ];
}

/** Skipped files counted by reason (the details in parentheses, such as a file's size, left out). */
export function skippedSummary(skipped: ReadonlyArray<{ reason: string }>, paint: Paint = (_s, t) => t): string[] {
  if (skipped.length === 0) return [];
  const reasons = new Map<string, number>();
  for (const s of skipped) {
    const paren = s.reason.indexOf("(");
    const reason = paren === -1 ? s.reason : s.reason.slice(0, paren).trimEnd();
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const rows = [...reasons].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `  ${String(n).padStart(5)}  ${terminalSafe(reason)}`);
  return [paint("gray", `${skipped.length} skipped (paths and details: --format json):`), ...rows.map((r) => paint("gray", r))];
}

function summaryLine(report: Report, paint: Paint): string {
  const { summary } = report;
  const plural = summary.unit ?? (report.kind === "scan" ? "files" : "repositories");
  const noun = summary.scanned !== 1 ? plural : plural === "repositories" ? "repository" : plural.slice(0, -1);
  if (summary.total === 0) return paint("green", `✔ no findings (${summary.scanned} ${noun} checked)`);
  const counts = [...SEVERITIES]
    .reverse()
    .filter((s) => summary.bySeverity[s] > 0)
    .map((s) => `${summary.bySeverity[s]} ${s}`);
  const gate =
    summary.failing > 0
      ? paint("red", `${summary.failing} at or above --fail-on ${summary.gate}`)
      : paint("green", `none at or above --fail-on ${summary.gate}`);
  return `${summary.total} findings (${counts.join(", ")}) in ${summary.scanned} ${noun}; ${gate}`;
}
