import picomatch from "picomatch";
import type { Finding } from "../core/finding.js";
import { redactSecret } from "../core/redact.js";
import { dedupeFindings } from "./dedupe.js";
import { contextOf, type FileContext } from "./file-context.js";
import { type DeferredFingerprint, FileFingerprints, FingerprintResolver } from "./fingerprint.js";
import { applyInlineIgnores, hasInlineDirective } from "./inline-ignores.js";
import { KeywordIndex } from "./keyword-index.js";
import { position } from "./line-index.js";
import { compileRuleSet, type RuleSetDescription, rulesFingerprint } from "./registry.js";
import type { ScanFile, ScanReport, ScanRule } from "./rule.js";
import { placeholderVerdict } from "./secrets/documentation-value.js";
import { ownedByProvider, providerPrefixes } from "./secrets/provider-prefix.js";

export type { RuleSetDescription } from "./registry.js";

type GlobMatcher = (path: string) => boolean;

/** Findings whose fingerprint waits for a salted value tag (fingerprint.ts), by their index in the findings. */
export type DeferredFingerprints = Array<{ index: number; fingerprint: DeferredFingerprint }>;

/**
 * The scan core (gitleaks' detector, ESLint's Linter): built once from a rule set, it owns everything derived
 * from the rules (the compiled rules, the keyword index, the file-glob matchers) and runs them over one file at
 * a time. Nothing about rules lives in module state: a worker thread builds its own Scanner from the same
 * serialisable description (registry.ts), and two scanners with different rule sets never share anything.
 */
export class Scanner {
  readonly rules: readonly ScanRule[];
  readonly #version: string;
  #fingerprint: string | undefined;
  readonly #index: KeywordIndex;
  /** Distinct compiled glob lists, and for each rule the index of its list (-1: every file). */
  readonly #matchers: GlobMatcher[] = [];
  readonly #ruleMatcher: Int32Array;
  /** Matchers of the rules that judge a file against the tree's file list (`needsTree`). */
  readonly #treeMatchers: GlobMatcher[];
  /** Token prefixes the provider rules own: a generic rule never reports a value that opens with one. */
  readonly #providerPrefixes: string[];

  /** `fingerprint`, when the caller already has it (a worker is sent its parent's), saves hashing the scan code. */
  constructor(rules: readonly ScanRule[], options: { version?: string; fingerprint?: string } = {}) {
    this.rules = rules;
    this.#version = options.version ?? "dev";
    this.#fingerprint = options.fingerprint;
    this.#index = new KeywordIndex(rules.map((r) => r.meta.keywords ?? []));
    const byList = new Map<string, number>();
    this.#ruleMatcher = Int32Array.from(rules, (rule) => {
      const files = rule.meta.files;
      if (!files || files.length === 0) return -1;
      const key = files.join("\0");
      let at = byList.get(key);
      if (at === undefined) {
        at = this.#matchers.push(compileGlobs(files)) - 1;
        byList.set(key, at);
      }
      return at;
    });
    this.#treeMatchers = rules.filter((r) => r.meta.needsTree).map((r) => compileGlobs(r.meta.files ?? ["**"]));
    this.#providerPrefixes = providerPrefixes(rules);
  }

  /** Compiles the rule set a description names (the catalog as read, plus the config's rules and settings). */
  static fromDescription(description: RuleSetDescription, options: { fingerprint?: string } = {}): Scanner {
    return new Scanner(compileRuleSet(description), { version: description.version, ...options });
  }

  /** Changes whenever the rules, their settings, the scan code or a rule package changes: the rescan cache key. */
  get fingerprint(): string {
    this.#fingerprint ??= rulesFingerprint(this.rules, this.#version);
    return this.#fingerprint;
  }

  /** Whether some rule judges this path against the whole tree: such files are scanned once the tree is known. */
  needsTree(path: string): boolean {
    return this.#treeMatchers.some((match) => match(path));
  }

  /**
   * The keyword prefilter, the one place it is written: which rules have one of their keywords in `text`
   * (rules without keywords always do), as a mask in rule order. `bytes` is the text as read from disk, when
   * there is a file (saves encoding it again).
   */
  keywordsPresent(text: string, bytes?: Uint8Array): Uint8Array {
    const mask = new Uint8Array(this.rules.length);
    for (const i of this.#index.passing(text, bytes)) mask[i] = 1;
    return mask;
  }

  /** Findings of every rule that applies to the file (file globs and keywords), before dedupe and inline ignores. */
  findings(
    file: ScanFile,
    onRuleError: (ruleId: string, error: unknown) => void = () => {},
    budgetMs = Number.POSITIVE_INFINITY,
    bytes?: Uint8Array,
  ): Finding[] {
    const deferred = new Map<string, DeferredFingerprint>();
    const findings = this.#findings(contextOf(file), onRuleError, budgetMs, bytes, deferred);
    resolveNow(deferred, findings);
    return findings;
  }

  /**
   * The whole per-file pipeline after reading: rules, dedupe of overlapping reports, inline ignores. With
   * `deferred`, random-looking secrets keep a provisional fingerprint and are listed there for the caller to
   * resolve once it knows which findings it reports (FingerprintResolver); without, they are resolved here.
   */
  scan(
    file: ScanFile,
    onRuleError?: (ruleId: string, error: unknown) => void,
    budgetMs?: number,
    bytes?: Uint8Array,
    deferred?: DeferredFingerprints,
  ): Finding[] {
    const context = contextOf(file);
    const pending = new Map<string, DeferredFingerprint>();
    const found = this.#findings(context, onRuleError, budgetMs, bytes, pending).filter(
      (f) => !f.tags?.includes("generic") || !this.#dismissed(context, f, bytes, true),
    );
    const findings = this.#withoutIgnored(
      context,
      dedupeFindings(found, (f) => this.#dismissed(context, f, bytes)),
    );
    if (!deferred) {
      resolveNow(pending, findings);
      return findings;
    }
    findings.forEach((finding, index) => {
      const fingerprint = pending.get(finding.fingerprint);
      if (fingerprint) deferred.push({ index, fingerprint });
    });
    return findings;
  }

  #findings(
    file: FileContext,
    onRuleError: (ruleId: string, error: unknown) => void = () => {},
    budgetMs = Number.POSITIVE_INFINITY,
    bytes: Uint8Array | undefined,
    deferred: Map<string, DeferredFingerprint>,
  ): Finding[] {
    return this.#run(file, this.#applicable(file, bytes), onRuleError, budgetMs, deferred);
  }

  /**
   * Whether one of our rules that applies here matched the finding's place and judged it no secret (dedupe.ts).
   * With `providersOnly`, only provider rules count: a generic finding on a value a provider rule turned down
   * (a published key on its allow list) is dropped, as the provider knows its own tokens.
   */
  #dismissed(context: FileContext, finding: Finding, bytes: Uint8Array | undefined, providersOnly = false): boolean {
    const start = (context.lineStarts[finding.line - 1] ?? 0) + finding.column - 1;
    const end = (context.lineStarts[finding.endLine - 1] ?? 0) + (finding.endColumn ?? finding.column + 1) - 1;
    return this.#applicable(context, bytes).some((index) => {
      const rule = this.rules[index];
      if (providersOnly && (rule?.meta.generic || rule?.meta.category !== "secret")) return false;
      return rule?.dismisses?.(context, start, end) === true;
    });
  }

  #withoutIgnored(context: FileContext, findings: Finding[]): Finding[] {
    if (findings.length === 0 || !hasInlineDirective(context.text)) return findings;
    const starts = context.lineStarts;
    const lineText = (line: number) => {
      const start = starts[line - 1];
      if (start === undefined) return undefined;
      const end = starts[line];
      return context.text.slice(start, end === undefined ? context.text.length : end - 1);
    };
    return applyInlineIgnores(findings, lineText);
  }

  /** Indices of the rules to run on this file: its path matches their globs and their keywords occur. */
  #applicable(file: FileContext, bytes: Uint8Array | undefined): number[] {
    // Rules share glob lists (the code rules all take JS/TS): each list is matched once per file.
    const globHit = new Int8Array(this.#matchers.length);
    const inFiles = (rule: number) => {
      const at = this.#ruleMatcher[rule]!;
      if (at < 0) return true;
      if (globHit[at] === 0) globHit[at] = this.#matchers[at]!(file.path) ? 1 : -1;
      return globHit[at] === 1;
    };
    return this.#index.passing(file.text, bytes).filter(inFiles);
  }

  #run(
    file: FileContext,
    applicable: number[],
    onRuleError: (ruleId: string, error: unknown) => void,
    budgetMs: number,
    deferred: Map<string, DeferredFingerprint>,
  ): Finding[] {
    const timed = budgetMs !== Number.POSITIVE_INFINITY;
    const started = timed ? performance.now() : 0;
    const findings: Finding[] = [];
    let fingerprints: FileFingerprints | undefined;
    for (let n = 0; n < applicable.length; n++) {
      const rule = this.rules[applicable[n]!]!;
      let reports: ScanReport[] = [];
      try {
        reports = rule.check(file);
      } catch (error) {
        onRuleError(rule.meta.id, error);
      }
      // Timed only after a check ran: a check cannot be interrupted, but the file's remaining checks can be
      // skipped and the scan go on.
      const spent = timed ? performance.now() - started : 0;
      if (spent > budgetMs) {
        const rest = applicable.slice(n + 1).map((i) => this.rules[i]!.meta.id);
        if (rest.length > 0) onRuleError(rest.join(", "), new OverBudgetError(spent, budgetMs));
        n = applicable.length;
      }
      for (const found of reports) {
        const report = placeholderVerdict(rule, found);
        if (report === undefined) continue;
        if (rule.meta.generic && report.secret !== undefined && ownedByProvider(report.secret, this.#providerPrefixes)) continue;
        fingerprints ??= new FileFingerprints(file);
        findings.push(toFinding(rule, file, report, fingerprints, deferred));
      }
    }
    return findings;
  }
}

/** The per-file time budget ran out: the checks named with it were skipped for this file. */
export class OverBudgetError extends Error {
  constructor(spentMs: number, budgetMs: number) {
    super(`skipped: the file's checks took ${Math.round(spentMs)} ms, over the ${budgetMs} ms per-file budget`);
    this.name = "OverBudgetError";
  }
}

/**
 * A matcher for a glob list. Entries starting with `!` exclude, as in .gitignore, when the list has others to
 * include (`["**\/*.ts", "!**\/*.d.ts"]`: TypeScript but not declaration files).
 */
export function compileGlobs(globs: readonly string[]): GlobMatcher {
  const options = { dot: true, basename: false };
  const include = globs.filter((g) => !g.startsWith("!"));
  const exclude = globs.filter((g) => g.startsWith("!")).map((g) => g.slice(1));
  if (include.length === 0 || exclude.length === 0) return picomatch([...globs], options);
  const included = picomatch(include, options);
  const excluded = picomatch(exclude, options);
  return (path) => included(path) && !excluded(path);
}

/** Gives findings with a provisional fingerprint (a key of `deferred`; unique within a file) their final one. */
function resolveNow(deferred: Map<string, DeferredFingerprint>, findings: readonly Finding[]): void {
  if (deferred.size === 0) return;
  const resolver = new FingerprintResolver();
  for (const finding of findings) {
    const fingerprint = deferred.get(finding.fingerprint);
    if (fingerprint) finding.fingerprint = resolver.resolve(fingerprint);
  }
}

function toFinding(rule: ScanRule, file: FileContext, report: ScanReport, fingerprints: FileFingerprints, deferred: Map<string, DeferredFingerprint>): Finding {
  const lines = file.lineStarts;
  const start = position(lines, report.start);
  const end = position(lines, Math.max(report.start, report.end - 1));
  const { fingerprint, place, deferred: pending } = fingerprints.fingerprint(rule, report);
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
  if (pending) deferred.set(fingerprint, pending);
  return finding;
}
