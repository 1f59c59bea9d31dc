import { SEVERITIES } from "../core/severity.js";
import type { Report } from "./report.js";
import { terminalSafe } from "./terminal-safe.js";
import { skippedSummary } from "./text.js";

const TOP = 20;

/** A short Markdown summary for a CI job page (GitHub's $GITHUB_STEP_SUMMARY): counts and the top findings, redacted. */
export function formatMarkdown(report: Report): string {
  const { summary, findings } = report;
  const verdict = summary.failing > 0 ? `❌ ${summary.failing} findings at or above \`${summary.gate}\`` : `✅ nothing at or above \`${summary.gate}\``;
  const lines = [`### Rampart ${report.kind}: ${verdict}`, ""];
  lines.push("| severity | findings |", "|---|---|");
  for (const s of [...SEVERITIES].reverse()) lines.push(`| ${s} | ${summary.bySeverity[s]} |`);
  if (findings.length > 0) lines.push("", ...topFindings(report));
  if (summary.skipped.length > 0) lines.push("", ...skippedSummary(summary.skipped).map((l, i) => (i === 0 ? l : `- ${cell(l.trim())}`)));
  return `${lines.join("\n")}\n`;
}

function topFindings(report: Report): string[] {
  const ranked = [...report.findings].sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity));
  const rows = ranked
    .slice(0, TOP)
    .map(
      (f) =>
        `| ${f.severity} | \`${cell(f.ruleId)}\` | \`${cell(`${f.path}:${f.line}`)}\` | ${cell(f.message)} | ${f.redacted ? `\`${cell(f.redacted)}\`` : ""} |`,
    );
  const more = ranked.length > TOP ? [`…and ${ranked.length - TOP} more (see the SARIF upload or the JSON report).`] : [];
  return ["| severity | rule | where | what | evidence |", "|---|---|---|---|---|", ...rows, ...more];
}

/** A table cell: pipes escaped, backticks neutralised, control characters (newlines, ANSI/OSC escapes) made visible. */
function cell(s: string): string {
  return terminalSafe(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|").replace(/`/g, "'");
}
