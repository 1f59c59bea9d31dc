import { createHash } from "node:crypto";
import picomatch from "picomatch";
import type { Finding } from "../core/finding.js";
import { redactSecret } from "../core/redact.js";
import { rulesForText } from "./keyword-index.js";
import type { ScanFile, ScanReport, ScanRule } from "./rule.js";
import { isPlaceholder } from "./secrets/placeholder.js";
import { contextOf, type FileContext } from "./file-context.js";
import { FileFingerprints } from "./fingerprint.js";
import { position } from "./line-index.js";

/**
 * Runs rules over one file and turns their reports into findings: the pure heart of the scan loop,
 * also what rule-example tests call. A rule that throws is reported through `onRuleError` and skipped,
 * so one bad rule never loses a file.
 */
export function applyRules(
  rules: readonly ScanRule[],
  file: ScanFile,
  onRuleError: (ruleId: string, error: unknown) => void = () => {},
  budgetMs = Number.POSITIVE_INFINITY,
): Finding[] {
  const started = budgetMs === Number.POSITIVE_INFINITY ? 0 : performance.now();
  // One context per file: every rule shares its parsed views (lines, AST, YAML, dotenv).
  const context = contextOf(file);
  // The one keyword prefilter (keyword-index.ts), computed on first need: the scan hands over rules it
  // already filtered, without keywords, so there it never runs.
  let passing: Set<ScanRule> | undefined;
  const keywordsPass = (rule: ScanRule) => (passing ??= new Set(rulesForText(rules, context.text))).has(rule);
  // Rules share glob lists (the code rules all take JS/TS): each list is matched once per file.
  const globResults = new Map<GlobMatcher, boolean>();
  const inFiles = (globs: readonly string[]) => {
    const matcher = globMatcher(globs);
    let hit = globResults.get(matcher);
    if (hit === undefined) globResults.set(matcher, (hit = matcher(context.path)));
    return hit;
  };
  const findings: Finding[] = [];
  let fingerprints: FileFingerprints | undefined;
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index]!;
    if (!appliesTo(rule, inFiles, keywordsPass)) continue;
    let reports: ScanReport[] = [];
    try {
      reports = rule.check(context);
    } catch (error) {
      onRuleError(rule.meta.id, error);
    }
    // Timed only after a check ran (most files run few): a check cannot be interrupted, but the file's
    // remaining checks can be skipped and the scan go on.
    const spent = budgetMs === Number.POSITIVE_INFINITY ? 0 : performance.now() - started;
    if (spent > budgetMs) {
      const rest = rules.slice(index + 1).filter((r) => appliesTo(r, inFiles, keywordsPass)).map((r) => r.meta.id);
      if (rest.length > 0) onRuleError(rest.join(", "), new OverBudgetError(spent, budgetMs));
      index = rules.length;
    }
    for (const report of reports) {
      if (isDocumentationValue(rule, report)) continue;
      findings.push(toFinding(rule, context, report, (fingerprints ??= new FileFingerprints(context))));
    }
  }
  return findings;
}

/** The per-file time budget ran out: the checks named with it were skipped for this file. */
export class OverBudgetError extends Error {
  constructor(spentMs: number, budgetMs: number) {
    super(`skipped: the file's checks took ${Math.round(spentMs)} ms, over the ${budgetMs} ms per-file budget`);
    this.name = "OverBudgetError";
  }
}

/** Placeholders (`your_key_here`, `${VAR}`, `xxxx…`) are never secret findings, whichever rule matched them. */
function isDocumentationValue(rule: ScanRule, report: ScanReport): boolean {
  return rule.meta.category === "secret" && report.secret !== undefined && isPlaceholder(report.secret);
}

type GlobMatcher = (path: string) => boolean;
const globCache = new Map<string, GlobMatcher>();
const matcherOf = new WeakMap<readonly string[], GlobMatcher>();

function appliesTo(rule: ScanRule, inFiles: (globs: readonly string[]) => boolean, keywordsPass: (rule: ScanRule) => boolean): boolean {
  const { files, keywords } = rule.meta;
  if (files && files.length > 0 && !inFiles(files)) return false;
  if (!keywords || keywords.length === 0) return true;
  return keywordsPass(rule);
}

/**
 * Whether `path` matches any of `globs`. Entries starting with `!` exclude, as in .gitignore, when the list
 * has others to include (`["**\/*.ts", "!**\/*.d.ts"]`: TypeScript but not declaration files).
 */
export function matchesGlobs(globs: readonly string[], path: string): boolean {
  return globMatcher(globs)(path);
}

/** One compiled matcher per distinct list, found by the list itself first (no joining per call). */
function globMatcher(globs: readonly string[]): GlobMatcher {
  let match = matcherOf.get(globs);
  if (match) return match;
  const key = globs.join("\0");
  match = globCache.get(key) ?? compileGlobs(globs);
  globCache.set(key, match);
  matcherOf.set(globs, match);
  return match;
}

function compileGlobs(globs: readonly string[]): GlobMatcher {
  const options = { dot: true, basename: false };
  const include = globs.filter((g) => !g.startsWith("!"));
  const exclude = globs.filter((g) => g.startsWith("!")).map((g) => g.slice(1));
  if (include.length === 0 || exclude.length === 0) return picomatch([...globs], options);
  const included = picomatch(include, options);
  const excluded = picomatch(exclude, options);
  return (path) => included(path) && !excluded(path);
}

function toFinding(rule: ScanRule, file: FileContext, report: ScanReport, fingerprints: FileFingerprints): Finding {
  const lines = file.lineStarts;
  const start = position(lines, report.start);
  const end = position(lines, Math.max(report.start, report.end - 1));
  const { fingerprint, place } = fingerprints.fingerprint(rule, report);
  const finding: Finding = {
    ruleId: rule.meta.id,
    category: rule.meta.category === "detect" ? "misconfig" : rule.meta.category,
    severity: report.severity ?? rule.meta.severity,
    path: file.path,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column + 1,
    message: report.message,
    fingerprint,
  };
  // A secret's place can hold a URL's user name; only misconfigurations name theirs in reports and baselines.
  if (report.secret === undefined && place !== "") finding.place = place;
  if (report.secret !== undefined) finding.redacted = redactSecret(report.secret);
  if (report.tags && report.tags.length > 0) finding.tags = [...report.tags];
  if (rule.meta.remediation) finding.remediation = rule.meta.remediation;
  return finding;
}

/** Audit findings' fingerprint (no secret values there); scan findings get theirs from fingerprint.ts. */
export function fingerprintOf(ruleId: string, path: string, evidence: string): string {
  const evidenceHash = createHash("sha256").update(evidence.trim()).digest("hex");
  return createHash("sha256").update(`${ruleId}\0${path}\0${evidenceHash}`).digest("hex").slice(0, 24);
}
