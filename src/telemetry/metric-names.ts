/**
 * Every metric Rampart emits, in one place: the contract with dashboards/ and the Prometheus rules.
 * The Prometheus exporter turns dots into underscores and adds `_total` to counters
 * (`rampart.detections` → `rampart_detections_total`).
 *
 * Cardinality rule: no IP address, key id, principal or tenant is ever an attribute value.
 */
export const METRICS = {
  /** Counter. A detector rule fired. Attributes: rule, severity, mode, outcome, subject_type. */
  detections: "rampart.detections",
  /** Counter. Authentication outcome of each request the middleware saw. Attributes: result. */
  authAttempts: "rampart.auth.attempts",
  /** Counter. What the middleware decided for a request. Attributes: decision (allow|block), reason. */
  decisions: "rampart.decisions",
  /** UpDownCounter. Subjects currently blocked. Attributes: subject_type, store. */
  blocksActive: "rampart.blocks.active",
  /** Observable gauge. Entries held in detector state. Attributes: table. */
  stateEntries: "rampart.state.entries",
  /** Counter. Entries dropped to keep memory bounded. Attributes: table, reason. */
  stateEvictions: "rampart.state.evictions",
  /** Observable gauge, 0 or 1. The shared store is unreachable and local counters are in use. Attributes: store. */
  storeDegraded: "rampart.store.degraded",
  /** Counter. Errors inside the detector that were absorbed so the request could proceed. Attributes: component. */
  detectorErrors: "rampart.detector.errors",
  /** Histogram, seconds. Time the middleware adds to a request. */
  checkDuration: "rampart.check.duration",
  /** Counter. Findings of `rampart scan` when run with OpenTelemetry on. Attributes: rule, severity, category. */
  scanFindings: "rampart.scan.findings",
  /** Observable gauge. Security issues opened in a calendar month (UTC). Attributes: repo, month, source. */
  securityIssuesOpened: "rampart.security_issues.opened",
  /** Observable gauge. Security issues closed in a calendar month. Attributes: repo, month. */
  securityIssuesClosed: "rampart.security_issues.closed",
  /** Observable gauge. The monthly target (baseline reduced by the target percent). Attributes: repo. */
  securityIssuesTarget: "rampart.security_issues.target",
  /** Observable gauge. Mean issues opened over the last three months after the baseline: the judged number. Attributes: repo. */
  securityIssuesRolling3: "rampart.security_issues.rolling3",
  /** Observable gauge, 0..1. Share of a month's issues answered within the response SLA. Attributes: repo, month. */
  securityIssuesSlaCompliance: "rampart.security_issues.sla_compliance",
} as const;

export type MetricKey = keyof typeof METRICS;

/** The meter (instrumentation scope) name Rampart's instruments are created under. */
export const METER_NAME = "rampart";
