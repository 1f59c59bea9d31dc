import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ConfigError } from "../core/errors.js";
import type { Finding } from "../core/finding.js";
import { FINGERPRINT_SCHEME } from "./fingerprint.js";

/**
 * Accepted findings, keyed by fingerprint. Version 2 fingerprints (src/scan/fingerprint.ts) name each finding's
 * structural place and occurrence, so a second copy of an accepted pattern is new, and hold no hash of a
 * human-chosen secret, so the committed file cannot confirm a guessed password. Entries keep only what a
 * reviewer needs to see what was accepted: rule, file, line and (for misconfigurations) the place.
 */
export interface Baseline {
  version: 2;
  findings: BaselineEntry[];
}

export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  path: string;
  line: number;
  place?: string;
}

/** A baseline is a list of fingerprints; anything bigger than this is not one (or is hostile). */
const MAX_BASELINE_BYTES = 32 * 1024 * 1024;

export function readBaseline(file: string): Set<string> {
  const parsed = parseBaseline(readRegularFile(file), file);
  if (parsed.version === 1) {
    throw new ConfigError(
      `this is a version 1 baseline: its fingerprints hash each secret's value (a guessed password can be confirmed from the committed file) and match a second copy of an accepted misconfiguration. Review the current findings, then regenerate it with: rampart scan --update-baseline --baseline ${basename(file)}`,
      { file },
    );
  }
  if (parsed.version !== FINGERPRINT_SCHEME || !Array.isArray(parsed.findings) || parsed.findings.some((f) => typeof f?.fingerprint !== "string")) {
    throw new ConfigError(
      `the baseline is not a Rampart baseline (expected version ${FINGERPRINT_SCHEME} and findings with fingerprints); regenerate it with --update-baseline`,
      { file },
    );
  }
  return new Set(parsed.findings.map((f) => f.fingerprint as string));
}

function parseBaseline(text: string, file: string): { version?: unknown; findings?: Array<{ fingerprint?: unknown }> } {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? parsed : {};
  } catch (error) {
    throw new ConfigError(`the baseline is not valid JSON (${(error as Error).message}); regenerate it with --update-baseline`, { file });
  }
}

/** Only a regular file within the size cap: a symlink or FIFO committed in its place is refused, not followed. */
function readRegularFile(file: string): string {
  let fd: number;
  try {
    if (lstatSync(file).isSymbolicLink())
      throw new ConfigError("the baseline is a symlink; Rampart reads only a regular file there. Replace it with the file itself", { file });
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`cannot read the baseline (${(error as NodeJS.ErrnoException).code ?? "error"}); create it with --update-baseline`, { file });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new ConfigError("the baseline is not a regular file; replace it with one written by --update-baseline", { file });
    if (stat.size > MAX_BASELINE_BYTES)
      throw new ConfigError(`the baseline is over ${MAX_BASELINE_BYTES / 1024 / 1024} MB; regenerate it with --update-baseline`, { file });
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}

export function writeBaseline(file: string, findings: readonly Finding[]): void {
  const entries: BaselineEntry[] = findings.map((f) => ({
    fingerprint: f.fingerprint,
    ruleId: f.ruleId,
    path: f.path,
    line: f.line,
    ...(f.place ? { place: f.place } : {}),
  }));
  const unique = [...new Map(entries.map((e) => [e.fingerprint, e])).values()].sort(
    (a, b) => a.path.localeCompare(b.path) || a.line - b.line || a.ruleId.localeCompare(b.ruleId),
  );
  const baseline: Baseline = { version: FINGERPRINT_SCHEME, findings: unique };
  writeReplacing(file, `${JSON.stringify(baseline, null, 2)}\n`);
}

/**
 * Writes a fresh temp file (exclusive create, so a planted symlink is never followed) and renames it over the
 * target: a symlink at the target is replaced, never written through.
 */
function writeReplacing(file: string, text: string): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text, { flag: "wx" });
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw new ConfigError(`cannot write the baseline (${(error as NodeJS.ErrnoException).code ?? "error"}); check the directory exists and is writable`, {
      file,
    });
  }
}

export function withoutBaselined(findings: readonly Finding[], accepted: ReadonlySet<string>): Finding[] {
  return findings.filter((f) => !accepted.has(f.fingerprint));
}
