import { readFileSync, writeFileSync } from "node:fs";
import type { Finding } from "../core/finding.js";
import { ConfigError } from "../core/errors.js";

/**
 * Accepted findings, keyed by fingerprint (content-based, so a moved line stays accepted and a new
 * secret on the same line does not). Holds only redacted evidence, never a raw value.
 */
export interface Baseline {
  version: 1;
  findings: Array<{ fingerprint: string; ruleId: string; path: string; redacted?: string }>;
}

export function readBaseline(file: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read the baseline (${(error as NodeJS.ErrnoException).code ?? "error"}); create it with --update-baseline`, { file });
  }
  let parsed: Partial<Baseline>;
  try {
    parsed = JSON.parse(text) as Partial<Baseline>;
  } catch (error) {
    throw new ConfigError(`the baseline is not valid JSON (${(error as Error).message}); regenerate it with --update-baseline`, { file });
  }
  if (parsed.version !== 1 || !Array.isArray(parsed.findings) || parsed.findings.some((f) => typeof f?.fingerprint !== "string")) {
    throw new ConfigError("the baseline is not a Rampart baseline (expected version 1 and findings with fingerprints); regenerate it with --update-baseline", { file });
  }
  return new Set(parsed.findings.map((f) => f.fingerprint));
}

export function writeBaseline(file: string, findings: readonly Finding[]): void {
  const entries = findings.map((f) => ({ fingerprint: f.fingerprint, ruleId: f.ruleId, path: f.path, ...(f.redacted ? { redacted: f.redacted } : {}) }));
  const unique = [...new Map(entries.map((e) => [e.fingerprint, e])).values()].sort((a, b) => a.path.localeCompare(b.path) || a.ruleId.localeCompare(b.ruleId));
  const baseline: Baseline = { version: 1, findings: unique };
  try {
    writeFileSync(file, `${JSON.stringify(baseline, null, 2)}\n`);
  } catch (error) {
    throw new ConfigError(`cannot write the baseline (${(error as NodeJS.ErrnoException).code ?? "error"}); check the directory exists and is writable`, { file });
  }
}

export function withoutBaselined(findings: readonly Finding[], accepted: ReadonlySet<string>): Finding[] {
  return findings.filter((f) => !accepted.has(f.fingerprint));
}
