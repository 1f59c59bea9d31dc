import type { ScanReport, ScanRule } from "../rule.js";
import { isSecretlintRuleId } from "../secretlint-adapter.js";
import { placeholderKind } from "./placeholder.js";

/** The tag of a provider-rule finding whose value looks hand-made for an example. */
export const ILLUSTRATIVE_TAG = "illustrative";

const ILLUSTRATIVE_NOTE =
  "the value looks illustrative (a run such as 123456, a walk such as a1b2c3, or a repeated unit): if it is a real key, revoke and rotate it; if it is an example, add `rampart:ignore <reason>` on its line";

/**
 * What a secret rule's report becomes when its value is a placeholder (placeholder.ts): unchanged when it is
 * not one, undefined (dropped) when it is documentation for sure or a generic rule matched it, and reported at
 * `info` when a provider rule matched a value whose only fault is its shape. A provider rule has matched the
 * provider's own format, often next to the provider's name: a value like `1a2b3c4d…` there is almost always a
 * docs example, but the gate owner sees it in the report (not failing the build) rather than never hearing
 * of it. A generic rule has only a secret-like name to go on, and real code is full of such names holding
 * made-up values, so it drops both kinds. So do secretlint's rules: looser than our own rules for the same
 * providers (no length or suffix checks: `xoxb-abcdef-abcdef`), they would report shapes of no real format.
 */
export function placeholderVerdict(rule: ScanRule, report: ScanReport): ScanReport | undefined {
  if (rule.meta.category !== "secret" || report.secret === undefined) return report;
  const kind = placeholderKind(report.secret);
  if (kind === undefined) return report;
  if (kind === "documentation" || rule.meta.generic || isSecretlintRuleId(rule.meta.id)) return undefined;
  return {
    ...report,
    severity: "info",
    message: `${report.message}; ${ILLUSTRATIVE_NOTE}`,
    tags: [...(report.tags ?? []), ILLUSTRATIVE_TAG],
  };
}
