import { createHash } from "node:crypto";
import { ConfigError } from "../../core/errors.js";
import type { FindingCategory } from "../../core/finding.js";
import { isSeverity, type Severity } from "../../core/severity.js";
import type { RuleExample, ScanReport, ScanRule } from "../rule.js";
import { assignedValuePattern, plainNames } from "./assigned-value.js";
import { shannonEntropy } from "./placeholder.js";
import { ownedByProvider, prefixKeywords } from "./provider-prefix.js";
import { compileRunPrefilter, hasRun, type RunPrefilter, runsOf } from "./run-prefilter.js";
import { type Demoted, validators } from "./validators.js";

/** One regex rule as written in rules/secrets/*.yaml or a config's customRules. */
export interface PatternRuleEntry {
  id: string;
  description: string;
  severity: Severity;
  keywords?: string[];
  /** A named group `secret` marks the secret; without one the whole match is the secret. */
  pattern?: string;
  /**
   * Instead of `pattern`: a value of shape `value` (a regex) assigned to a setting whose name starts with one
   * of `names` (regex fragments, matched in any case), in every assignment syntax (assigned-value.ts).
   * Keywords default to the names when they are plain words.
   */
  names?: string[];
  value?: string;
  /** With `value`: a character class of what may not follow the value (default `[A-Za-z0-9_-]`). */
  valueEnd?: string;
  /** Match letters in any case (JavaScript has no inline (?i)). */
  ignoreCase?: boolean;
  files?: string[];
  minEntropy?: number;
  /** Regexes for values that are never findings (documented test values, known dummies). */
  allow?: string[];
  /** A regex the file's path must match for the rule to run (gitleaks' `path`). */
  pathPattern?: string;
  /** Regexes on the file's path where the rule never reports (gitleaks allowlist `paths`). */
  ignorePaths?: string[];
  /** Regexes for the named group `name` (the setting a value is assigned to) whose matches are never findings. */
  ignoreNames?: string[];
  /** A named check from validators.ts for what a regex cannot express (checksums, decoded lengths). */
  validate?: string;
  /** A catch-all: its findings carry tag `generic` and give way to a provider-specific rule on the same span. */
  generic?: boolean;
  /**
   * The secret is a long run of one character class (64 hex digits, 88 base58 characters): texts without
   * such a run skip the regex. `chars` is a character-class body, `length` the shortest run.
   * `matchInside: true` says every match lies inside such a run (a seed phrase is only letters and
   * blanks), so only the runs are searched, not the whole text.
   */
  requiresRun?: { chars: string; length: number; matchInside?: boolean };
  /** Public test credentials: reported at low severity with tag `test-key` and the label. */
  testKeys?: Array<{ value: string; label: string }>;
  remediation?: string;
  references?: string[];
  examples?: { positive?: Array<string | RuleExample>; negative?: Array<string | RuleExample> };
  source?: string;
  category?: FindingCategory;
}

export const patternRuleSchema = {
  type: "object",
  required: ["id", "description", "severity"],
  oneOf: [{ required: ["pattern"] }, { required: ["names", "value"] }],
  additionalProperties: false,
  properties: {
    id: { type: "string", pattern: "^[a-z0-9]+(-[a-z0-9]+)*$" },
    description: { type: "string", minLength: 1 },
    severity: { enum: ["info", "low", "medium", "high", "critical"] },
    keywords: { type: "array", items: { type: "string", minLength: 1 } },
    pattern: { type: "string", minLength: 1 },
    names: { type: "array", minItems: 1, items: { type: "string", minLength: 1 } },
    value: { type: "string", minLength: 1 },
    valueEnd: { type: "string", pattern: "^\\[.+\\]$" },
    ignoreCase: { type: "boolean" },
    files: { type: "array", items: { type: "string" } },
    minEntropy: { type: "number", minimum: 0, maximum: 8 },
    allow: { type: "array", items: { type: "string" } },
    ignoreNames: { type: "array", items: { type: "string" } },
    pathPattern: { type: "string" },
    ignorePaths: { type: "array", items: { type: "string" } },
    generic: { type: "boolean" },
    validate: { enum: Object.keys(validators) },
    requiresRun: {
      type: "object",
      additionalProperties: false,
      required: ["chars", "length"],
      properties: { chars: { type: "string", minLength: 1 }, length: { type: "integer", minimum: 2 }, matchInside: { type: "boolean" } },
    },
    testKeys: { type: "array", items: { type: "object", required: ["value", "label"], properties: { value: { type: "string" }, label: { type: "string" } } } },
    remediation: { type: "string" },
    references: { type: "array", items: { type: "string" } },
    examples: { type: "object" },
    source: { type: "string" },
    category: { enum: ["secret", "misconfig"] },
  },
} as const;

/** Turns a rule entry into a ScanRule; a bad regex is a ConfigError naming where the rule is. */
export function compilePatternRule(definition: Record<string, unknown>, where: { file: string; line?: number }): ScanRule {
  const entry = withPattern(definition as unknown as PatternRuleEntry);
  if (!isSeverity(entry.severity)) throw new ConfigError(`rule "${entry.id}": severity must be one of info, low, medium, high, critical`, where);
  const regex = compileRegex(entry, where);
  // Allow lists test one value at a time: no `g` (no lastIndex state), but the rule's case-(in)sensitivity.
  const allow = (entry.allow ?? []).map((a) => compileRegex({ ...entry, pattern: a }, where, entry.ignoreCase ? "i" : ""));
  const ignoreNames = (entry.ignoreNames ?? []).map((a) => compileRegex({ ...entry, pattern: a }, where, "i"));
  const skip = { allow, ignoreNames };
  const onPath = entry.pathPattern === undefined ? undefined : compileRegex({ ...entry, pattern: entry.pathPattern }, where, "");
  const offPaths = (entry.ignorePaths ?? []).map((p) => compileRegex({ ...entry, pattern: p }, where, ""));
  const pathAllowed = (path: string) => (onPath === undefined || onPath.test(path)) && !offPaths.some((r) => r.test(path));
  const testKeys = new Map((entry.testKeys ?? []).map((k) => [k.value.toLowerCase(), k.label]));
  const run = entry.requiresRun ? compileRunPrefilter(entry.requiresRun.chars, entry.requiresRun.length) : undefined;
  const owned = entry.generic ? [] : prefixKeywords(entry.keywords ?? []);
  return {
    meta: {
      id: entry.id,
      category: entry.category ?? "secret",
      severity: entry.severity,
      description: entry.description,
      source: entry.source ?? where.file,
      revision: createHash("sha256").update(JSON.stringify(definition)).digest("hex").slice(0, 16),
      ...(entry.remediation ? { remediation: entry.remediation } : {}),
      ...(entry.references ? { references: entry.references } : {}),
      ...(entry.keywords ? { keywords: entry.keywords } : {}),
      ...(entry.requiresRun ? { selfFiltered: true } : {}),
      ...(entry.files ? { files: entry.files } : {}),
      ...(entry.generic ? { generic: true } : {}),
    },
    check: (file) => {
      if (!pathAllowed(file.path)) return [];
      if (!run) return matchAll(regex, file.text, 0, entry, skip, testKeys);
      if (entry.requiresRun?.matchInside) return matchInRuns(regex, file.text, run, entry, skip, testKeys);
      return hasRun(file.text, run) ? matchAll(regex, file.text, 0, entry, skip, testKeys) : [];
    },
    dismisses: (file, start, end) => {
      if (!pathAllowed(file.path)) return false;
      // The lines around the place: the pattern sees there what the check saw.
      const from = file.text.lastIndexOf("\n", start - 1) + 1;
      const next = file.text.indexOf("\n", end);
      const dismissed: Array<[number, number]> = [];
      const found = matchAll(regex, file.text.slice(from, next === -1 ? file.text.length : next), from, entry, skip, testKeys, dismissed);
      if (dismissed.some(([s, e]) => s < end && start < e)) return true;
      // A value opening with this rule's own token prefix (`xoxp-`, `vcp_`) that it did not report has the wrong
      // shape for the provider: another scanner's looser pattern for the same tokens does not report it either.
      return ownedByProvider(file.text.slice(start, end), owned) && !found.some((r) => r.start < end && start < r.end);
    },
  };
}

/** An entry written as `names` and `value` gets the pattern they stand for, and the names as its keywords. */
export function withPattern(entry: PatternRuleEntry): PatternRuleEntry {
  if (entry.pattern !== undefined || !entry.names || entry.value === undefined) return entry;
  const keywords = entry.keywords ?? plainNames(entry.names);
  return { ...entry, pattern: assignedValuePattern(entry.names, entry.value, entry.ignoreCase, entry.valueEnd), ...(keywords ? { keywords } : {}) };
}

function compileRegex(entry: PatternRuleEntry, where: { file: string; line?: number }, flags = entry.ignoreCase ? "gdi" : "gd"): RegExp {
  try {
    return new RegExp(entry.pattern ?? "", flags);
  } catch (error) {
    // V8's message quotes the whole pattern, which may hold the very secret the rule was written for: keep the reason only.
    const reason = (error as Error).message.replace(/^Invalid regular expression: \/[\s\S]*\/[a-z]*: /, "");
    throw new ConfigError(`rule "${entry.id}": invalid regular expression (${reason}); check the pattern at this line`, where);
  }
}

interface Skips {
  allow: RegExp[];
  ignoreNames: RegExp[];
}

/** Lookarounds (`\b`, `(?<![a-z] )`) see this many characters either side of a run. */
const RUN_CONTEXT = 2;

function matchInRuns(regex: RegExp, text: string, run: RunPrefilter, entry: PatternRuleEntry, skip: Skips, testKeys: Map<string, string>): ScanReport[] {
  const reports: ScanReport[] = [];
  for (const [start, end] of runsOf(text, run)) {
    const from = Math.max(0, start - RUN_CONTEXT);
    reports.push(...matchAll(regex, text.slice(from, end + RUN_CONTEXT), from, entry, skip, testKeys));
  }
  return reports;
}

/**
 * Reports for every match in `text`, with offsets shifted by `offset` (where `text` sits in the file). Matches
 * judged no secret (an ignored name, an allowed value, too little entropy) go to `dismissed` when given.
 */
function matchAll(
  regex: RegExp,
  text: string,
  offset: number,
  entry: PatternRuleEntry,
  skip: Skips,
  testKeys: Map<string, string>,
  dismissed?: Array<[number, number]>,
): ScanReport[] {
  const reports: ScanReport[] = [];
  for (const m of text.matchAll(regex)) {
    const span = m.indices?.groups?.secret ?? m.indices?.[0];
    if (!span) continue;
    const name = m.groups?.name;
    if (name !== undefined && skip.ignoreNames.some((r) => r.test(name))) {
      dismissed?.push([offset + span[0], offset + span[1]]);
      continue;
    }
    const matched = text.slice(span[0], span[1]);
    const verdict = entry.validate ? validators[entry.validate]?.(matched, name) : matched;
    if (verdict === undefined) continue;
    const secret = typeof verdict === "string" ? verdict : verdict.secret;
    const start = span[0] + Math.max(0, matched.indexOf(secret));
    const report = judge(secret, entry, skip.allow, testKeys, typeof verdict === "string" ? undefined : verdict);
    if (report) reports.push({ ...report, start: offset + start, end: offset + start + secret.length, secret });
    else dismissed?.push([offset + span[0], offset + span[1]]);
  }
  return reports;
}

function judge(
  secret: string,
  entry: PatternRuleEntry,
  allow: RegExp[],
  testKeys: Map<string, string>,
  demoted?: Demoted,
): Omit<ScanReport, "start" | "end"> | undefined {
  const label = testKeys.get(secret.toLowerCase()) ?? testKeys.get(`0x${secret.toLowerCase()}`);
  if (label) return { message: `${entry.description} (known public test key: ${label})`, severity: "low", tags: ["test-key"] };
  if (allow.some((a) => a.test(secret))) return undefined;
  if (entry.minEntropy !== undefined && shannonEntropy(secret) < entry.minEntropy) return undefined;
  if (demoted) return { message: `${entry.description} (${demoted.note})`, severity: demoted.severity, tags: [demoted.tag] };
  return entry.generic ? { message: entry.description, tags: ["generic"] } : { message: entry.description };
}
