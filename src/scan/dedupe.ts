import type { Finding } from "../core/finding.js";
import { isSecretlintRuleId } from "./secretlint-adapter.js";

/**
 * When a secretlint rule and one of our rules report the same place, keep ours (it knows placeholders,
 * test keys and context). Same place = same file and overlapping line/column span. A secretlint finding
 * on a place one of our rules matched and judged no secret (`dismissedByOurs`) is dropped too.
 */
export function dedupeFindings(findings: Finding[], dismissedByOurs: (f: Finding) => boolean = () => false): Finding[] {
  if (findings.length === 0) return findings;
  const specific = findings.filter((f) => f.category === "secret" && !f.tags?.includes("generic"));
  const ours = findings.filter((f) => !isSecretlintRuleId(f.ruleId) && !shadowedGeneric(f, specific));
  const out = [...ours];
  const seen = new Set<string>();
  for (const f of findings) {
    if (!isSecretlintRuleId(f.ruleId)) continue;
    const key = `${f.ruleId}\0${f.line}\0${f.column}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (ours.some((o) => o.category === "secret" && !o.tags?.includes("generic") && overlaps(o, f))) continue;
    if (dismissedByOurs(f)) continue;
    out.push(f);
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}

function overlaps(a: Finding, b: Finding): boolean {
  const aStart = a.line * 1e7 + a.column;
  const aEnd = a.endLine * 1e7 + (a.endColumn ?? a.column + 1);
  const bStart = b.line * 1e7 + b.column;
  const bEnd = b.endLine * 1e7 + (b.endColumn ?? b.column + 1);
  return aStart < bEnd && bStart < aEnd;
}

/** A generic catch-all (tag `generic`) adds nothing where a provider-specific rule, ours or secretlint's, names the secret. */
function shadowedGeneric(f: Finding, specific: Finding[]): boolean {
  return f.tags?.includes("generic") === true && specific.some((s) => overlaps(s, f));
}
