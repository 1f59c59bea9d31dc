import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { Finding } from "../core/finding.js";
import { applyRules, lineStarts } from "./apply-rules.js";
import { dedupeFindings } from "./dedupe.js";
import { rulesForText } from "./keyword-index.js";
import { applyInlineIgnores, hasInlineDirective } from "./inline-ignores.js";
import type { ScanRule } from "./rule.js";

export interface FileJob {
  abs: string;
  rel: string;
}

export type FileOutcome =
  | { kind: "scanned"; rel: string; findings: Finding[]; cacheKey?: string; cached?: boolean; ruleErrors?: string[] }
  | { kind: "skipped"; rel: string; reason: string };

const SNIFF_BYTES = 8192;
/** A file whose average line is this long is minified or generated; regexes over it cost much and find noise. */
const MINIFIED_AVERAGE_LINE = 1000;
const MINIFIED_MIN_SIZE = 4096;
const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });

export interface ScanFileContext {
  rules: readonly ScanRule[];
  rulesFingerprint: string;
  cache?: ReadonlyMap<string, Finding[]>;
}

/** Reads, classifies and scans one file. Never throws: every failure becomes a skip with a reason. */
export async function scanOneFile(job: FileJob, context: ScanFileContext): Promise<FileOutcome> {
  let bytes: Buffer;
  try {
    bytes = await readFile(job.abs);
  } catch (error) {
    return { kind: "skipped", rel: job.rel, reason: `unreadable (${(error as NodeJS.ErrnoException).code ?? "error"})` };
  }
  return scanBytes(job.rel, bytes, context);
}

export function scanBytes(rel: string, bytes: Buffer, context: ScanFileContext): FileOutcome {
  if (bytes.subarray(0, SNIFF_BYTES).includes(0)) return { kind: "skipped", rel, reason: "binary" };
  const cacheKey = context.cache
    ? createHash("sha256").update(context.rulesFingerprint).update("\0").update(rel).update("\0").update(bytes).digest("base64url").slice(0, 27)
    : undefined;
  const hit = cacheKey ? context.cache?.get(cacheKey) : undefined;
  if (hit && cacheKey) return { kind: "scanned", rel, findings: hit, cacheKey, cached: true };
  // Lenient decoding: invalid UTF-8 becomes U+FFFD instead of an error, so Latin-1 files still get scanned.
  const text = decoder.decode(bytes);
  if (looksMinified(text)) return { kind: "skipped", rel, reason: "minified or generated (very long lines)" };
  const ruleErrors: string[] = [];
  const findings = scanText(rel, text, context.rules, (ruleId, error) => ruleErrors.push(`${ruleId}: ${(error as Error)?.message ?? String(error)}`));
  return { kind: "scanned", rel, findings, ...(cacheKey ? { cacheKey } : {}), ...(ruleErrors.length > 0 ? { ruleErrors } : {}) };
}

/** Rules, dedupe and inline ignores over one text: the whole per-file pipeline after reading. */
export function scanText(path: string, text: string, rules: readonly ScanRule[], onRuleError?: (ruleId: string, error: unknown) => void): Finding[] {
  // One pass finds the rules whose keywords occur; applyRules then only re-confirms those few.
  const candidates = rulesForText(rules, text.toLowerCase());
  const findings = dedupeFindings(applyRules(candidates, { path, text }, onRuleError));
  if (findings.length === 0 || !hasInlineDirective(text)) return findings;
  const starts = lineStarts(text);
  const lineText = (line: number) => {
    const start = starts[line - 1];
    if (start === undefined) return undefined;
    const end = starts[line];
    return text.slice(start, end === undefined ? text.length : end - 1);
  };
  return applyInlineIgnores(findings, lineText);
}

function looksMinified(text: string): boolean {
  if (text.length < MINIFIED_MIN_SIZE) return false;
  let lines = 1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lines++;
  return text.length / lines > MINIFIED_AVERAGE_LINE;
}
