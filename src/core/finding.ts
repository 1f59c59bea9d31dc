import type { Severity } from "./severity.js";

/** What kind of problem a finding is; also the first column of `rampart rules list`. */
export type FindingCategory = "secret" | "misconfig" | "audit";

/**
 * One problem found by `scan` or `audit`. Every output format is built from this shape,
 * so it never holds a raw secret: `redacted` is the only view of the matched value.
 */
export interface Finding {
  ruleId: string;
  category: FindingCategory;
  severity: Severity;
  /** Relative to the scanned root with `/` separators; for audit findings, `org` or `owner/repo`. */
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn?: number;
  message: string;
  /** Redacted evidence, e.g. `sk-pr…Q3xA`. */
  redacted?: string;
  /** Stable across line moves and reformatting; the key of baselines (src/scan/fingerprint.ts). */
  fingerprint: string;
  /** Where a misconfiguration sits structurally (`services.agent.ports[]`, `jobs.release.steps[Publish].run`, `createServer`). */
  place?: string;
  /** Labels such as `test-key` (a known public test credential reported at low severity). */
  tags?: string[];
  remediation?: string;
  /** From `--git-history`. */
  commit?: string;
  author?: string;
  date?: string;
}

/** What every rule, in every domain, says about itself. `rampart rules list` prints these. */
export interface RuleMeta {
  id: string;
  category: FindingCategory | "detect";
  severity: Severity;
  description: string;
  /** Where the rule comes from: `rampart`, a secretlint package name, or a rules/*.yaml file. */
  source: string;
  remediation?: string;
  /** CWE ids, Scorecard checks, zizmor audits, AppSensor detection points. */
  references?: string[];
}
