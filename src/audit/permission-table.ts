import type { AuditRuleMeta } from "./audit.js";

export const TABLE_START = "<!-- audit-permissions:start -->";
export const TABLE_END = "<!-- audit-permissions:end -->";

/** README's table of audit checks and the token permission each needs, generated from rules/audit. */
export function renderPermissionTable(rules: AuditRuleMeta[]): string {
  const rows = rules.map((r) => `| \`${r.id}\` | ${r.severity} | ${r.description} | ${r.permission} |`);
  return [TABLE_START, "| check | severity | what it finds | token permission |", "|---|---|---|---|", ...rows, TABLE_END].join("\n");
}
