import type { Location, Log, ReportingDescriptor, Result } from "sarif";
import type { Finding, RuleMeta } from "../core/finding.js";
import type { Severity } from "../core/severity.js";
import type { Report } from "./report.js";

const SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const level: Record<Severity, Result.level> = { critical: "error", high: "error", medium: "warning", low: "note", info: "note" };
/** GitHub code scanning ranks alerts by this 0-10 score (critical > 9, high 7-8.9, medium 4-6.9, low < 4). */
const securitySeverity: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0", info: "0.0" };

/** SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. */
export function formatSarif(report: Report): string {
  const rules = rulesFor(report);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const log: Log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: report.tool.name, version: report.tool.version, semanticVersion: report.tool.version, rules } },
        automationDetails: { id: `rampart/${report.kind}/` },
        originalUriBaseIds: { "%SRCROOT%": { description: { text: "The root of the scanned tree." } } },
        results: report.findings.map((f) => result(f, index.get(f.ruleId))),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** Every rule that ran, plus any rule a finding names that the list missed (so ruleIndex always resolves). */
function rulesFor(report: Report): ReportingDescriptor[] {
  const metas = new Map<string, RuleMeta>(report.rules.map((r) => [r.id, r]));
  for (const f of report.findings) {
    if (!metas.has(f.ruleId)) metas.set(f.ruleId, { id: f.ruleId, category: f.category, severity: f.severity, description: f.message, source: "rampart" });
  }
  return [...metas.values()].map(descriptor);
}

function descriptor(rule: RuleMeta): ReportingDescriptor {
  const help = rule.remediation ?? rule.description;
  return {
    id: rule.id,
    name: rule.id,
    shortDescription: { text: rule.description },
    fullDescription: { text: rule.description },
    help: { text: help, markdown: help },
    defaultConfiguration: { level: level[rule.severity] },
    properties: {
      tags: ["security", rule.category, ...(rule.references ?? [])],
      "security-severity": securitySeverity[rule.severity],
      precision: "high",
      source: rule.source,
    },
  };
}

function result(f: Finding, ruleIndex: number | undefined): Result {
  const text = f.redacted ? `${f.message} (${f.redacted})` : f.message;
  const r: Result = {
    ruleId: f.ruleId,
    level: level[f.severity],
    message: { text },
    locations: [location(f)],
    partialFingerprints: { "rampart/v1": f.fingerprint },
    properties: withoutUndefined({
      severity: f.severity,
      category: f.category,
      redacted: f.redacted,
      tags: f.tags,
      commit: f.commit,
      author: f.author,
      date: f.date,
    }),
  };
  if (ruleIndex !== undefined) r.ruleIndex = ruleIndex;
  return r;
}

function location(f: Finding): Location {
  // The CLI refuses audit SARIF (code scanning needs a file); library callers still get a valid log.
  if (f.category === "audit") return { logicalLocations: [{ name: f.path, fullyQualifiedName: f.path, kind: "module" }] };
  const region = withoutUndefined({ startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn });
  return { physicalLocation: { artifactLocation: { uri: relativeUri(f.path), uriBaseId: "%SRCROOT%" }, region } };
}

/**
 * A relative URI that resolves back to `path`: each segment is encoded on its own, so `#`, `?`, `%` and `;`
 * in a file name stay part of it (`encodeURI` would turn `notes#1?.txt` into a link to `notes`).
 */
export function relativeUri(path: string): string {
  return path
    .split("/")
    .map((segment) => encodeURIComponent(segment))
    .join("/");
}

function withoutUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
