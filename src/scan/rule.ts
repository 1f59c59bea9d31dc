import type { RuleMeta } from "../core/finding.js";
import type { Severity } from "../core/severity.js";

/**
 * The contract between the scan engine and every scan rule (secret patterns from rules/secrets/*.yaml,
 * structural misconfiguration checks, and secretlint's rules through an adapter).
 * Rules are pure: text in, reports out. The engine adds path, line/column, redaction and fingerprints.
 */
export interface ScanFile {
  /** Relative to the scanned root, `/` separators (e.g. `config/.env.production`). */
  path: string;
  text: string;
  /**
   * Every file the scan sees, relative to the same root as `path`. Set for files a `needsTree` rule applies
   * to (the engine scans those once the whole list is known); absent otherwise.
   */
  tree?: readonly string[];
  /** Whether git tracks this file (in --diff, --staged and --git-history always true); absent outside a repository. */
  tracked?: boolean;
}

export interface ScanReport {
  message: string;
  /** [start, end) UTF-16 offsets into `file.text` of what the finding points at. */
  start: number;
  end: number;
  /**
   * The raw secret value, when there is one. The engine redacts it for output and hashes it into the
   * fingerprint; it never leaves the engine in clear.
   */
  secret?: string;
  /** Overrides the rule's severity for this report (e.g. a known public test key reported as low). */
  severity?: Severity;
  tags?: string[];
  /**
   * The structural place for the baseline fingerprint, when the check knows it better than the default
   * (YAML path or enclosing function; see fingerprint.ts).
   */
  place?: string;
}

export interface ScanRuleMeta extends RuleMeta {
  /**
   * Literal strings, one of which must appear (case-insensitively) in a file for the rule to run on it.
   * Empty or absent means the rule always runs. This is the prefilter that keeps scans fast.
   */
  keywords?: string[];
  /**
   * The rule skips text without a long run of one character class (a seed phrase, a base58 or hex key), so it
   * is cheap on any text. Record redaction runs such rules even where their keywords are absent: a bare seed
   * phrase pasted into a note has no "mnemonic" next to it.
   */
  selfFiltered?: boolean;
  /** Globs (picomatch, matched against ScanFile.path) the rule applies to; absent means every file. */
  files?: string[];
  /** Hash of a data-driven rule's definition, so the rescan cache notices an edited pattern. */
  revision?: string;
  /** The rule reads `ScanFile.tree`: the engine holds its files back until the tree's file list is complete. */
  needsTree?: boolean;
  /** A catch-all secret rule (a secret-named setting): it gives way to provider rules (provider-prefix.ts, dedupe.ts). */
  generic?: boolean;
}

export interface ScanRule {
  meta: ScanRuleMeta;
  check(file: ScanFile): ScanReport[];
  /**
   * Whether the rule matched text overlapping [start, end) of the file and judged it no secret (an allowed
   * default, an interpolation, too little entropy). Dedupe then drops a secretlint finding on that place.
   */
  dismisses?(file: ScanFile, start: number, end: number): boolean;
}

/** One example a rule carries with it, run as a test. A bare string is `{ text }` scanned as `example.txt`. */
export interface RuleExample {
  /** File name the example is scanned as, which decides which structural parser applies. */
  file?: string;
  text: string;
  /** For positives: the 1-based line the finding must be reported on. */
  line?: number;
  /** For positives: the severity the finding must carry, when a check demotes it (a token failing its checksum). */
  severity?: Severity;
}
