import type { Finding } from "../src/core/finding.js";
import type { ScanRule } from "../src/scan/rule.js";
import type { PatternRuleEntry } from "../src/scan/secrets/pattern-rule.js";

export interface CorpusCase {
  rule: string;
  family?: string;
  generic: boolean;
  name: string;
  value: string;
  /** Where the secret sits inside `value` when the value is larger (a URL holding it). */
  secretOffset?: number;
  secretLength?: number;
  selfContained?: boolean;
}
export interface CorpusContext {
  id: string;
  file: string;
  named?: boolean;
  quote?: string;
  token68?: boolean;
  line?: number;
  render(name: string, value: string): string;
}
export interface Placement {
  case: CorpusCase;
  context: string;
  path: string;
  line: number;
  column: number;
  endColumn: number;
}
export const CONTEXTS: CorpusContext[];
export function corpusCases(
  entries: Array<{ entry: PatternRuleEntry & { family?: string } }>,
  rules: ScanRule[],
): { positives: CorpusCase[]; negatives: CorpusCase[]; skipped: number };
export function contextsFor(c: CorpusCase, negative?: boolean): CorpusContext[];
export function layOut(
  cases: CorpusCase[],
  options?: { negative?: boolean; perFile?: number; pick?: (fits: CorpusContext[], index: number) => CorpusContext[] },
): { files: Map<string, string>; placements: Placement[] };
export function foundBy(placement: Placement, findings: Finding[]): boolean;
export function flaggedBy(placement: Placement, findings: Finding[]): boolean;
