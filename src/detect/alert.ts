import type { Severity } from "../core/severity.js";
import { redactAlert } from "./alert-redaction.js";
import type { Alert } from "./alert-types.js";

export type { Alert } from "./alert-types.js";

const SEVERITY_ID: Record<Severity, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };

/**
 * The pino record for an alert: our own fields at the top level, plus OCSF 1.x Detection Finding
 * (class 2004) fields so a SIEM can map it without a custom parser. OCSF's own `action` string is left
 * out because `action` here is ours (alert|block); `action_id` and `disposition` carry OCSF's view.
 * Identities that look like credentials become keyed labels and every string is redacted (alert-redaction.ts).
 */
export function alertRecord(alert: Alert): Record<string, unknown> {
  return recordOfRedacted(redactAlert(alert));
}

/** The record of an alert already passed through redactAlert. */
export function recordOfRedacted(alert: Alert): Record<string, unknown> {
  const time = Date.parse(alert.lastSeen);
  return {
    event: "rampart.detection",
    ...alert,
    class_uid: 2004,
    class_name: "Detection Finding",
    category_uid: 2,
    category_name: "Findings",
    activity_id: 1,
    activity_name: "Create",
    type_uid: 200401,
    severity_id: SEVERITY_ID[alert.severity],
    time,
    message: `${alert.title} (${alert.count} in ${alert.window})`,
    finding_info: {
      uid: `${alert.rule}:${subjectLabel(alert.subject)}:${time}`,
      title: alert.title,
      analytic: { name: alert.rule, type_id: 1, type: "Rule" },
      first_seen_time: Date.parse(alert.firstSeen),
      last_seen_time: time,
    },
    action_id: alert.action === "block" ? 2 : 1,
    disposition: alert.action === "block" ? "Blocked" : "Detected",
    ...(alert.subject.ip ? { src_endpoint: { ip: alert.subject.ip } } : {}),
    ...(alert.sources || alert.networks
      ? { observables: [...(alert.sources ?? []), ...(alert.networks ?? [])].map((value) => ({ name: "src_endpoint.ip", type_id: 2, value })) }
      : {}),
    ...(alert.subject.principal ? { actor: { user: { uid: alert.subject.principal } } } : {}),
    ...(alert.subject.tenant ? { cloud: { account: { uid: alert.subject.tenant } } } : {}),
  };
}

export function subjectLabel(subject: Alert["subject"]): string {
  return [subject.principal, subject.tenant, subject.ip].filter(Boolean).join("/");
}
