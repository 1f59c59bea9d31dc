import { isAscii } from "node:buffer";
import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import type { Finding } from "../core/finding.js";
import type { Fragment } from "./fragment.js";
import type { DeferredFingerprints, Scanner } from "./scanner.js";

export type FileOutcome =
  | {
      kind: "scanned";
      rel: string;
      bytes: number;
      findings: Finding[];
      cacheKey?: string;
      cached?: boolean;
      ruleErrors?: string[];
      /** Findings still carrying a provisional fingerprint: whoever reports them resolves these (FingerprintResolver). */
      deferred?: DeferredFingerprints;
    }
  | { kind: "skipped"; rel: string; reason: string };

const SNIFF_BYTES = 8192;
/** A file whose average line is this long is minified or generated; regexes over it cost much and find noise. */
const MINIFIED_AVERAGE_LINE = 1000;
const MINIFIED_MIN_SIZE = 4096;
const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });
/**
 * Whatever --max-file-size says, a file above this is skipped: V8 strings stop at ~512 MB, and scanning one
 * that size as text would abort the whole scan.
 */
export const MAX_TEXT_BYTES = 256 * 1024 * 1024;
/** Checks on one file may take this long in all; the rest are skipped for that file, and the scan goes on. */
const FILE_TIME_BUDGET_MS = 5_000;

export interface ScanFileContext {
  scanner: Scanner;
  maxFileSize: number;
  cache?: ReadonlyMap<string, Finding[]>;
  /** Per-file budget for all checks together, in milliseconds (default FILE_TIME_BUDGET_MS). */
  budgetMs?: number;
}

/**
 * Reads (when its content is on disk), classifies and scans one fragment. Never throws: every failure becomes a
 * skip with a reason. Synchronous reads on purpose: it runs in a worker (or a CLI with nothing else to do), and
 * one open, fstat, read and close beats the promise API's round trips through the thread pool for many small files.
 */
export function scanFragment(fragment: Fragment, context: ScanFileContext): FileOutcome {
  if (fragment.bytes) return scanBytes(fragment, Buffer.from(fragment.bytes.buffer, fragment.bytes.byteOffset, fragment.bytes.byteLength), context);
  if (fragment.file === undefined) return { kind: "skipped", rel: fragment.path, reason: "no content" };
  let bytes: Buffer;
  try {
    const limit = Math.min(context.maxFileSize, MAX_TEXT_BYTES);
    const read = readLimited(fragment.file, limit);
    if (typeof read === "number") return { kind: "skipped", rel: fragment.path, reason: tooLarge(read, context.maxFileSize) };
    bytes = read;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    const reason = code === "EISDIR" || code === "EAGAIN" ? `not a regular file (${code})` : `unreadable (${code})`;
    return { kind: "skipped", rel: fragment.path, reason };
  }
  return scanBytes(fragment, bytes, context);
}

/** The skip reason for a file of `size` bytes over the limit in force. */
export function tooLarge(size: number, maxFileSize: number): string {
  if (size > MAX_TEXT_BYTES && maxFileSize > MAX_TEXT_BYTES)
    return `larger than ${formatBytes(MAX_TEXT_BYTES)} (${formatBytes(size)}), the most Rampart scans as text`;
  return `larger than the ${formatBytes(Math.min(maxFileSize, MAX_TEXT_BYTES))} limit (${formatBytes(size)}; raise --max-file-size to scan it)`;
}

/** The file's bytes, or its size when above `max` (nothing is read then). */
function readLimited(path: string, max: number): Buffer | number {
  // O_NONBLOCK: should a FIFO slip past the walker (replaced between listing and reading), open must not hang.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw Object.assign(new Error("not a regular file"), { code: "EISDIR" });
    if (info.size > max) return info.size;
    const buffer = Buffer.allocUnsafe(info.size);
    let offset = 0;
    while (offset < info.size) {
      const n = readSync(fd, buffer, offset, info.size - offset, offset);
      if (n === 0) break; // truncated while we read: scan what is there
      offset += n;
    }
    return offset === info.size ? buffer : buffer.subarray(0, offset);
  } finally {
    closeSync(fd);
  }
}

/**
 * The content checks every mode shares (binary, minified), the cache, then the rules. Never throws: a
 * failure becomes a skip naming the file.
 */
function scanBytes(fragment: Fragment, bytes: Buffer, context: ScanFileContext): FileOutcome {
  const facts = {
    path: fragment.path,
    ...(fragment.tracked !== undefined ? { tracked: fragment.tracked } : {}),
    ...(fragment.tree ? { tree: fragment.tree } : {}),
  };
  const rel = facts.path;
  try {
    if (bytes.length > MAX_TEXT_BYTES) return { kind: "skipped", rel, reason: tooLarge(bytes.length, context.maxFileSize) };
    if (bytes.subarray(0, SNIFF_BYTES).includes(0)) return { kind: "skipped", rel, reason: "binary" };
    // Files judged against the tree are not cached: their findings depend on more than their bytes.
    const cacheKey = context.cache && !facts.tree ? cacheKeyOf(context.scanner.fingerprint, facts, bytes) : undefined;
    const hit = cacheKey ? context.cache?.get(cacheKey) : undefined;
    if (hit && cacheKey) return { kind: "scanned", rel, bytes: bytes.length, findings: hit, cacheKey, cached: true };
    const text = decodeText(bytes);
    if (looksMinified(text)) return { kind: "skipped", rel, reason: "minified or generated (very long lines)" };
    const ruleErrors: string[] = [];
    const deferred: DeferredFingerprints = [];
    const findings = context.scanner.scan(
      { ...facts, text },
      (ruleId, error) => ruleErrors.push(`${ruleId}: ${(error as Error)?.message ?? String(error)}`),
      context.budgetMs ?? FILE_TIME_BUDGET_MS,
      bytes,
      deferred,
    );
    return {
      kind: "scanned",
      rel,
      bytes: bytes.length,
      findings,
      ...(cacheKey ? { cacheKey } : {}),
      ...(ruleErrors.length > 0 ? { ruleErrors } : {}),
      ...(deferred.length > 0 ? { deferred } : {}),
    };
  } catch (error) {
    return { kind: "skipped", rel, reason: `could not be scanned (${(error as Error)?.message ?? String(error)})` };
  }
}

function cacheKeyOf(rulesFingerprint: string, facts: Omit<Fragment, "bytes" | "file">, bytes: Buffer): string {
  const hash = createHash("sha256").update(rulesFingerprint).update("\0").update(facts.path).update("\0");
  hash.update(facts.tracked === undefined ? "?" : facts.tracked ? "t" : "u").update("\0");
  return hash.update(bytes).digest("base64url").slice(0, 27);
}

/**
 * Most source files are pure ASCII: for those, a Latin-1 copy (no UTF-8 validation) gives the same string
 * faster. Otherwise lenient UTF-8: invalid bytes become U+FFFD, so Latin-1 files still get scanned.
 */
function decodeText(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString("latin1") : decoder.decode(bytes);
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}

function looksMinified(text: string): boolean {
  if (text.length < MINIFIED_MIN_SIZE) return false;
  // Counting stops once there are lines enough for a normal average: a typical file is settled in its first 4 %.
  const enough = text.length / MINIFIED_AVERAGE_LINE;
  let lines = 1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) {
    if (++lines >= enough) return false;
  }
  return text.length / lines > MINIFIED_AVERAGE_LINE;
}
