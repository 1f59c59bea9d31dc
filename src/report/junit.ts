import type { Finding } from "../core/finding.js";
import { reachesGate } from "../core/severity.js";
import type { Report } from "./report.js";

/**
 * JUnit XML for CI test tabs: a finding at or above the gate is a failed test case, one below it a
 * passing case (so it stays visible), and a clean run one passing case.
 */
export function formatJunit(report: Report): string {
  const { findings, summary } = report;
  const suite = `rampart ${report.kind}`;
  const cases = findings.length === 0 ? [`    <testcase classname="rampart" name="${suite}: no findings"/>`] : findings.map((f) => testCase(f, report));
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="rampart" tests="${Math.max(1, findings.length)}" failures="${summary.failing}">`,
    `  <testsuite name="${suite}" tests="${Math.max(1, findings.length)}" failures="${summary.failing}" errors="0" skipped="0">`,
    ...cases,
    `  </testsuite>`,
    `</testsuites>`,
    ``,
  ].join("\n");
}

function testCase(f: Finding, report: Report): string {
  const name = xml(`${f.path}:${f.line}:${f.column}`);
  const open = `    <testcase classname="${xml(f.ruleId)}" name="${name}" file="${xml(f.path)}" line="${f.line}">`;
  const detail = xml(`${f.message}${f.redacted ? ` (${f.redacted})` : ""}${f.remediation ? `\nFix: ${f.remediation}` : ""}`);
  if (!reachesGate(f.severity, report.summary.gate)) return `${open}\n      <system-out>${f.severity}: ${detail}</system-out>\n    </testcase>`;
  return `${open}\n      <failure type="${f.severity}" message="${xml(f.message)}">${detail}</failure>\n    </testcase>`;
}

function xml(s: string): string {
  return (
    s
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removes the control characters XML 1.0 forbids
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
  );
}
