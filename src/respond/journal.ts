import { createHash } from "node:crypto";
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";
import { RampartError } from "../core/errors.js";
import { redactSecretsInText } from "../scan/redact-text.js";

/**
 * An incident's journal: append-only JSON lines, each entry carrying the hash of the one before, so
 * changing or dropping any earlier byte breaks the chain. Free text is redacted before it is written.
 */
export interface JournalEntry {
  seq: number;
  time: string;
  type: string;
  data: Record<string, unknown>;
  prev: string;
  hash: string;
}

export interface JournalProblem {
  line: number;
  message: string;
}

const GENESIS = "0".repeat(64);

export function entryHash(entry: Omit<JournalEntry, "hash">): string {
  const canonical = JSON.stringify({ seq: entry.seq, time: entry.time, type: entry.type, data: entry.data, prev: entry.prev });
  return createHash("sha256").update(canonical).digest("hex");
}

/** Appends one entry as a single write of a whole line, then fsyncs: a crash leaves at most a torn last line. */
export function appendEntry(file: string, type: string, data: Record<string, unknown>, now: Date = new Date()): JournalEntry {
  const { entries, problems } = readJournal(file);
  if (problems.length > 0) throw new RampartError(`the journal is damaged (${problems[0]!.message}); run "rampart incident verify" and restore it before adding entries`, { file, line: problems[0]!.line });
  const last = entries.at(-1);
  const body = { seq: (last?.seq ?? 0) + 1, time: now.toISOString(), type, data: redactData(data), prev: last?.hash ?? GENESIS };
  const entry: JournalEntry = { ...body, hash: entryHash(body) };
  const fd = openSync(file, "a", 0o600);
  try {
    writeSync(fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return entry;
}

/** Strings anywhere in the data go through the scanner's redaction: a pasted key never reaches disk. */
function redactData(data: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(data), (_key, value: unknown) => (typeof value === "string" ? redactSecretsInText(value) : value)) as Record<string, unknown>;
}

/** Reads and checks the whole chain; every problem is reported with its line, nothing is dropped silently. */
export function readJournal(file: string): { entries: JournalEntry[]; problems: JournalProblem[] } {
  if (!existsSync(file)) return { entries: [], problems: [] };
  const text = readFileSync(file, "utf8");
  const lines = text.split("\n");
  const problems: JournalProblem[] = [];
  if (text.length > 0 && !text.endsWith("\n")) problems.push({ line: lines.length, message: "the last entry is incomplete (torn write, e.g. a crash while appending)" });
  const entries: JournalEntry[] = [];
  // The last piece is either "" after the final newline or the torn entry reported above.
  lines.slice(0, -1).forEach((raw, i) => checkLine(raw, i + 1, entries, problems));
  return { entries, problems };
}

function checkLine(raw: string, line: number, entries: JournalEntry[], problems: JournalProblem[]): void {
  let entry: JournalEntry;
  try {
    entry = JSON.parse(raw) as JournalEntry;
  } catch {
    problems.push({ line, message: "not valid JSON (the entry was altered)" });
    return;
  }
  const previous = entries.at(-1);
  const expectedPrev = previous?.hash ?? GENESIS;
  if (entry.seq !== (previous?.seq ?? 0) + 1) problems.push({ line, message: `sequence ${String(entry.seq)} follows ${previous?.seq ?? 0} (an entry was removed or reordered)` });
  if (entry.prev !== expectedPrev) problems.push({ line, message: "does not chain to the entry before it (an earlier entry was changed or removed)" });
  if (entryHash(entry) !== entry.hash) problems.push({ line, message: "its content does not match its hash (the entry was altered)" });
  entries.push(entry);
}
