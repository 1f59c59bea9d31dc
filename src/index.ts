/**
 * The `rampart` library entry point. Each export is listed by name (no `export *`), so nothing
 * internal leaks; `rampart/express` and friends are separate entry points in package.json.
 */

export type { Finding, FindingCategory, RuleMeta } from "./core/finding.js";
export { redactSecret } from "./core/redact.js";
export type { Severity } from "./core/severity.js";
export { reachesGate, SEVERITIES } from "./core/severity.js";
export type { Alert } from "./detect/alert.js";
export { alertRecord } from "./detect/alert.js";
export type { DetectorOptions, Mode } from "./detect/detector.js";
export { Detector } from "./detect/detector.js";
export type { AccessEvent, AuthResult } from "./detect/event.js";
export { parseLogLine } from "./detect/log-formats.js";
export { replayEvents, replayFiles } from "./detect/replay.js";
export type { DetectRule } from "./detect/rule.js";
export { loadDetectRules } from "./detect/rule.js";
export type { AlertSink, WebhookSinkOptions } from "./detect/sinks/webhook-sink.js";
export { webhookSink } from "./detect/sinks/webhook-sink.js";
export type { IssueReportRequest } from "./metrics/collect.js";
export { collectIssueReport } from "./metrics/collect.js";
export { observeIssueReport } from "./metrics/issue-gauge.js";
export type { IssueReport, MonthRow, TargetSummary } from "./metrics/issue-report.js";
export { formatReport } from "./report/format.js";
export type { FormatName, Report, Summary } from "./report/report.js";
export type { ScanOptions, ScanResult, ScanSource } from "./scan/engine.js";
export { scanPaths, scanSources } from "./scan/engine.js";
export { redactSecretsInText } from "./scan/redact-text.js";
export { startTelemetry } from "./telemetry/lazy.js";
export { METER_NAME, METRICS } from "./telemetry/metric-names.js";
export type { Telemetry, TelemetryOptions } from "./telemetry/start.js";
