import { createHash, createHmac } from "node:crypto";
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";
import { RampartError } from "../core/errors.js";
import { redactRecordData } from "../scan/redact-text.js";
import { checkHead, formatHead, type JournalHead, sameHex, writeHead } from "./journal-head.js";
import { withJournalLock } from "./journal-lock.js";

/**
 * An incident's journal: append-only JSON lines. Each entry's hash covers its whole line (every field but
 * `hash` and `mac`, as written), and the next entry carries it as `prev`, so changing, adding or dropping any
 * earlier byte breaks the chain. A sealed head (`<id>.head`) holds the entry count and the last hash, so a
 * journal cut short is caught too. With a key, each entry also carries an HMAC of its hash: without the key,
 * nobody can rewrite an entry and recompute the chain after it unnoticed. Free text is redacted before it is
 * written.
 */
export interface JournalEntry {
  seq: number;
  time: string;
  type: string;
  data: Record<string, unknown>;
  prev: string;
  hash: string;
  mac?: string;
}

export interface JournalProblem {
  line: number;
  message: string;
}

export interface JournalOptions {
  /** `RAMPART_JOURNAL_KEY`: entries get an HMAC when appending, and every entry must carry a valid one when reading. */
  key?: string | undefined;
}

export interface JournalRead {
  entries: JournalEntry[];
  problems: JournalProblem[];
  /** What the journal holds now; `incident verify` prints it so it can be recorded elsewhere. */
  head: JournalHead;
  /** Whether entries carry MACs and whether they were checked (they can be only with the key). */
  macs: "checked" | "unchecked" | "none";
}

const GENESIS = "0".repeat(64);
const HEX64 = /^[0-9a-f]{64}$/;

/** The hash of an entry: SHA-256 of its line as written, without the `hash` and `mac` fields. */
export function entryHash(entry: Record<string, unknown>): string {
  const { hash: _hash, mac: _mac, ...rest } = entry;
  return createHash("sha256").update(JSON.stringify(rest)).digest("hex");
}

export function entryMac(key: string, hash: string): string {
  return createHmac("sha256", key).update(`rampart-journal-entry\0${hash}`).digest("hex");
}

export interface AppendOptions extends JournalOptions {
  now?: Date;
  /** Runs under the lock with the verified entries, before writing; throw to refuse the append. */
  check?: (entries: JournalEntry[]) => void;
}

/**
 * Appends one entry under the journal's lock: reads and verifies the whole journal, writes the entry as one
 * whole line and fsyncs it, then reseals the head. A crash leaves at most a torn last line or a stale head,
 * both of which verify reports.
 */
export async function appendEntry(file: string, type: string, data: Record<string, unknown>, options: AppendOptions = {}): Promise<JournalEntry> {
  // Redaction runs the whole secret rule set: done before taking the lock so writers queue for less time.
  const redacted = redactRecordData(data);
  return withJournalLock(file, (stillHeld) => {
    const { entries, problems } = readJournal(file, options);
    if (problems.length > 0)
      throw new RampartError(
        `journal damaged at line ${problems[0]!.line}: ${problems[0]!.message}; run "rampart incident verify" and restore the journal before adding entries`,
        { file },
      );
    options.check?.(entries);
    const last = entries.at(-1);
    const body = { seq: (last?.seq ?? 0) + 1, time: (options.now ?? new Date()).toISOString(), type, data: redacted, prev: last?.hash ?? GENESIS };
    const hash = entryHash(body);
    const entry: JournalEntry = { ...body, hash, ...(options.key ? { mac: entryMac(options.key, hash) } : {}) };
    stillHeld();
    appendLine(file, `${JSON.stringify(entry)}\n`);
    writeHead(file, { entries: entry.seq, last: hash }, options.key);
    return entry;
  });
}

function appendLine(file: string, line: string): void {
  const fd = openSync(file, "a", 0o600);
  try {
    writeSync(fd, line);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads and checks the whole journal: every line, the chain, the MACs (with the key) and the sealed head.
 * Every problem is reported with its line; nothing is dropped silently and nothing throws on bad content.
 */
export function readJournal(file: string, options: JournalOptions & { expectHead?: JournalHead } = {}): JournalRead {
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const lines = text.split("\n");
  const problems: JournalProblem[] = [];
  const entries: JournalEntry[] = [];
  const macState = { seen: false };
  // The last piece is either "" after the final newline or a torn entry.
  for (const [i, raw] of lines.slice(0, -1).entries()) checkLine(raw, i + 1, entries, problems, options.key, macState);

  if (text.length > 0 && !text.endsWith("\n"))
    problems.push({ line: lines.length, message: "the last entry is incomplete (torn write, e.g. a crash while appending)" });
  const head = { entries: entries.length, last: entries.at(-1)?.hash ?? "" };
  if (existsSync(file)) problems.push(...headProblems(file, head, options.key));
  if (options.expectHead) problems.push(...expectedHeadProblems(entries, options.expectHead));
  return { entries, problems, head, macs: !macState.seen ? "none" : options.key ? "checked" : "unchecked" };
}

function headProblems(file: string, head: JournalHead, key: string | undefined): JournalProblem[] {
  if (head.entries === 0) return [{ line: 1, message: "the journal has no entries (it was emptied); an incident journal always starts with its opened entry" }];
  return checkHead(file, head, key).map((p) => ({ line: p.countDiffers ? head.entries + 1 : head.entries, message: p.message }));
}

function expectedHeadProblems(entries: JournalEntry[], expected: JournalHead): JournalProblem[] {
  const at = entries[expected.entries - 1];
  if (!at)
    return [
      {
        line: entries.length + 1,
        message: `the recorded head ${formatHead(expected)} is past the journal's end at ${entries.length} entries (entries were removed)`,
      },
    ];
  if (at.hash !== expected.last)
    return [
      {
        line: expected.entries,
        message: `entry ${expected.entries} does not have the recorded head's hash (the journal was rewritten at or before this line)`,
      },
    ];
  return [];
}

function checkLine(raw: string, line: number, entries: JournalEntry[], problems: JournalProblem[], key: string | undefined, macState: { seen: boolean }): void {
  const entry = parseEntry(raw);
  if (typeof entry === "string") return void problems.push({ line, message: entry });
  const previous = entries.at(-1);
  if (entry.seq !== (previous?.seq ?? 0) + 1)
    problems.push({ line, message: `sequence ${entry.seq} follows ${previous?.seq ?? 0} (an entry was removed or reordered)` });
  if (entry.prev !== (previous?.hash ?? GENESIS))
    problems.push({ line, message: "does not chain to the entry before it (an earlier entry was changed or removed)" });
  if (entryHash(entry as unknown as Record<string, unknown>) !== entry.hash)
    problems.push({ line, message: "its content does not match its hash (the entry was altered or a field was added)" });
  const mac = macProblem(entry, key, macState);
  if (mac) problems.push({ line, message: mac });
  entries.push(entry);
}

/** The entry, or why the line is not one: any JSON value may be on a tampered line, so nothing is assumed. */
function parseEntry(raw: string): JournalEntry | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return "not valid JSON (the entry was altered)";
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not a journal entry (the line was replaced)";
  const e = value as Record<string, unknown>;
  const malformed =
    !Number.isInteger(e.seq) ||
    typeof e.time !== "string" ||
    typeof e.type !== "string" ||
    typeof e.data !== "object" ||
    e.data === null ||
    Array.isArray(e.data) ||
    typeof e.prev !== "string" ||
    typeof e.hash !== "string" ||
    !HEX64.test(e.hash) ||
    (e.mac !== undefined && typeof e.mac !== "string");
  if (malformed) return "not a journal entry: a field is missing or of the wrong type (the entry was altered)";
  // The hash covers the fields as parsed; a line that is not exactly their serialization was edited by hand.
  if (JSON.stringify(value) !== raw) return "not in the form Rampart writes (the line was edited: spacing, duplicate or reordered keys)";
  return value as JournalEntry;
}

function macProblem(entry: JournalEntry, key: string | undefined, state: { seen: boolean }): string | undefined {
  if (entry.mac === undefined) {
    if (key) return "has no MAC (written without RAMPART_JOURNAL_KEY, or the MAC was stripped)";
    if (state.seen) return "has no MAC although earlier entries have one (the MAC was stripped or the entry rewritten)";
    return undefined;
  }
  state.seen = true;
  if (key && !sameHex(entry.mac, entryMac(key, entry.hash))) return "its MAC does not match RAMPART_JOURNAL_KEY (the entry was rewritten, or the key is wrong)";
  return undefined;
}
