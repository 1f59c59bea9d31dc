import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../core/errors.js";
import type { Finding, RuleMeta } from "../core/finding.js";
import { describeFailure } from "../core/github-failure.js";
import { readYamlFile, schemaCheck } from "../core/yaml-document.js";
import { fingerprintOf } from "../scan/apply-rules.js";
import { checks, type Outcome } from "./checks.js";
import type { OrgSnapshot } from "./snapshot.js";

export interface AuditRuleMeta extends RuleMeta {
  permission: string;
}

const RULES_FILE = join(fileURLToPath(new URL("../../rules/audit/", import.meta.url)), "github.yaml");
const schema = {
  type: "object",
  required: ["rules"],
  properties: {
    rules: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id", "description", "severity", "permission", "remediation"],
        properties: {
          id: { type: "string" },
          description: { type: "string" },
          severity: { enum: ["info", "low", "medium", "high", "critical"] },
          permission: { type: "string" },
          remediation: { type: "string" },
          references: { type: "array", items: { type: "string" } },
        },
      },
    },
  },
};

/** Audit rule metadata from rules/audit/github.yaml; every id must have a check and every check an entry. */
export function loadAuditRules(file = RULES_FILE): AuditRuleMeta[] {
  const { value, source } = readYamlFile<{ rules: Array<Omit<AuditRuleMeta, "category" | "source">> }>(file, schemaCheck(schema));
  const rules = value.rules.map((r) => ({ ...r, category: "audit" as const, source: "rules/audit/github.yaml" }));
  rules.forEach((r, i) => {
    if (!checks[r.id]) throw new ConfigError(`audit rule "${r.id}" has no check in src/audit/checks.ts`, { file, line: source.lineOf(`/rules/${i}`) });
  });
  const missing = Object.keys(checks).filter((id) => !rules.some((r) => r.id === id));
  if (missing.length > 0) throw new ConfigError(`checks without metadata: ${missing.join(", ")}; add them to the file`, { file });
  return rules;
}

/** Pure: snapshot in, findings out. A setting the token could not read becomes an `unknown` finding. */
export function auditSnapshot(snapshot: OrgSnapshot, rules = loadAuditRules()): Finding[] {
  return rules.flatMap((rule) => checks[rule.id]!(snapshot).map((o) => toFinding(rule, o)));
}

function toFinding(rule: AuditRuleMeta, o: Outcome): Finding {
  const message = o.unknown ? `unknown: ${o.message} (${describeFailure(o.unknown, rule.permission)})` : o.message;
  return {
    ruleId: rule.id,
    category: "audit",
    severity: o.unknown ? "info" : rule.severity,
    path: o.subject,
    line: 1,
    column: 1,
    endLine: 1,
    message,
    fingerprint: fingerprintOf(rule.id, o.subject, message),
    remediation: rule.remediation,
    ...(o.unknown ? { tags: ["unknown"] } : {}),
  };
}
