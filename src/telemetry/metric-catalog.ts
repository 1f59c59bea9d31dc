import { METRICS, type MetricKey } from "./metric-names.js";

export interface MetricDoc {
  kind: "counter" | "observable counter" | "updown counter" | "histogram" | "observable gauge";
  attributes: string[];
  description: string;
}

/** What each metric means, for README's table; the Record type makes a new metric without a line here a type error. */
export const METRIC_DOCS: Record<MetricKey, MetricDoc> = {
  detections: { kind: "counter", attributes: ["rule", "severity", "mode", "outcome", "subject_type"], description: "A detector rule fired." },
  authAttempts: { kind: "observable counter", attributes: ["result"], description: "Authentication outcome of each request the middleware saw." },
  decisions: { kind: "observable counter", attributes: ["decision", "reason"], description: "Allow or block, per request." },
  blocksActive: { kind: "updown counter", attributes: ["subject_type", "store"], description: "Subjects blocked right now." },
  stateEntries: { kind: "observable gauge", attributes: ["table"], description: "Entries held in the detector's bounded tables." },
  stateEvictions: { kind: "counter", attributes: ["table", "reason"], description: "Entries dropped to keep memory bounded." },
  storeDegraded: { kind: "observable gauge", attributes: ["store"], description: "1 while the shared store is unreachable and counts are local." },
  detectorErrors: { kind: "counter", attributes: ["component"], description: "Errors absorbed so the request could proceed." },
  checkDuration: {
    kind: "histogram",
    attributes: [],
    description:
      "Seconds the middleware spends looking up blocks (always in memory: a shared store pushes its blocks there) before a request proceeds; requests with nothing to look up are not timed.",
  },
  scanFindings: { kind: "counter", attributes: ["rule", "severity", "category"], description: "Findings of `rampart scan --otlp`." },
  securityIssuesOpened: {
    kind: "observable gauge",
    attributes: ["repo", "month", "source"],
    description: "Security issues (source=issue) or advisories (source=advisory) opened in a UTC month.",
  },
  securityIssuesClosed: { kind: "observable gauge", attributes: ["repo", "month"], description: "Security issues closed in a UTC month." },
  securityIssuesTarget: { kind: "observable gauge", attributes: ["repo"], description: "Monthly ceiling: the baseline mean reduced by the target percent." },
  securityIssuesRolling3: {
    kind: "observable gauge",
    attributes: ["repo"],
    description: "Mean issues opened over the last three months after the baseline (the judged number).",
  },
  securityIssuesSlaCompliance: {
    kind: "observable gauge",
    attributes: ["repo", "month"],
    description: "Share of a month's issues answered within the response SLA.",
  },
};

/** The Prometheus series name the exporter produces: dots to underscores, `_total` on counters. */
export function prometheusName(key: MetricKey): string {
  const base = METRICS[key].replaceAll(".", "_");
  const kind = METRIC_DOCS[key].kind;
  return kind === "counter" || kind === "observable counter" ? `${base}_total` : base;
}

export function renderMetricTable(): string {
  const rows = (Object.keys(METRICS) as MetricKey[]).map((key) => {
    const doc = METRIC_DOCS[key];
    const attributes = doc.attributes.length > 0 ? doc.attributes.map((a) => `\`${a}\``).join(", ") : "-";
    return `| \`${METRICS[key]}\` | \`${prometheusName(key)}\` | ${doc.kind} | ${attributes} | ${doc.description} |`;
  });
  return ["| OpenTelemetry name | Prometheus series | Kind | Attributes | Meaning |", "| --- | --- | --- | --- | --- |", ...rows].join("\n");
}
