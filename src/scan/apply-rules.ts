import { createHash } from "node:crypto";
import type { Finding } from "../core/finding.js";
import type { ScanFile, ScanRule } from "./rule.js";
import { compileGlobs, Scanner } from "./scanner.js";

/**
 * Runs rules over one file and turns their reports into findings, as a scan does (file globs, keywords,
 * fingerprints), without dedupe or inline ignores: what rule-example tests call. A rule that throws is reported
 * through `onRuleError` and skipped, so one bad rule never loses a file. Builds a Scanner for these rules each
 * call; a scan builds one for the whole run.
 */
export function applyRules(
  rules: readonly ScanRule[],
  file: ScanFile,
  onRuleError: (ruleId: string, error: unknown) => void = () => {},
  budgetMs = Number.POSITIVE_INFINITY,
): Finding[] {
  return new Scanner(rules).findings(file, onRuleError, budgetMs);
}

/**
 * Whether `path` matches any of `globs`. Entries starting with `!` exclude, as in .gitignore, when the list
 * has others to include (`["**\/*.ts", "!**\/*.d.ts"]`: TypeScript but not declaration files).
 */
export function matchesGlobs(globs: readonly string[], path: string): boolean {
  return compileGlobs(globs)(path);
}

/** Audit findings' fingerprint (no secret values there); scan findings get theirs from fingerprint.ts. */
export function fingerprintOf(ruleId: string, path: string, evidence: string): string {
  const evidenceHash = createHash("sha256").update(evidence.trim()).digest("hex");
  return createHash("sha256").update(`${ruleId}\0${path}\0${evidenceHash}`).digest("hex").slice(0, 24);
}
