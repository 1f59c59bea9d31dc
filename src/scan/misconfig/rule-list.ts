import type { RuleMeta } from "../../core/finding.js";

/**
 * The README's rule list, generated from the rule registry (`rampart rules list`), never hand-kept.
 * A test compares README.md with this output; update it with
 * `npx tsc -p tsconfig.build.json && node dist/scan/misconfig/update-readme-rules.js`.
 */
export const RULE_LIST_START = "<!-- rules:start -->";
export const RULE_LIST_END = "<!-- rules:end -->";

const cell = (text: string) =>
  text
    .replace(/\|/g, "\\|")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .join(" ");

export function renderRuleTable(rules: readonly RuleMeta[]): string {
  const counts = new Map<string, number>();
  for (const r of rules) counts.set(r.category, (counts.get(r.category) ?? 0) + 1);
  const summary = [...counts].map(([category, n]) => `${n} ${category}`).join(", ");
  const rows = rules.map((r) => `| \`${r.id}\` | ${r.category} | ${r.severity} | ${cell(r.description)} | ${cell((r.references ?? []).join(", "))} |`);
  return [
    `${rules.length} rules (${summary || "none"}), generated from the rule registry; \`rampart rules list\` prints the same list.`,
    "",
    "| id | category | severity | description | references |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

/** The README text with the block between the markers replaced; throws when a marker is missing. */
export function withRuleList(readme: string, rules: readonly RuleMeta[]): string {
  const start = readme.indexOf(RULE_LIST_START);
  const end = readme.indexOf(RULE_LIST_END);
  if (start === -1 || end === -1 || end < start)
    throw new Error(`README has no ${RULE_LIST_START} ... ${RULE_LIST_END} block; add both markers where the rule list goes`);
  return `${readme.slice(0, start + RULE_LIST_START.length)}\n${renderRuleTable(rules)}\n${readme.slice(end)}`;
}

/** The block currently between the markers (for the drift test), or undefined. */
export function currentRuleList(readme: string): string | undefined {
  const start = readme.indexOf(RULE_LIST_START);
  const end = readme.indexOf(RULE_LIST_END);
  if (start === -1 || end === -1 || end < start) return undefined;
  return readme.slice(start + RULE_LIST_START.length, end).trim();
}
