import { createHmac, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { UsageError } from "../core/errors.js";

/**
 * The sealed head of a journal: how many entries it has and the hash of the last one, rewritten on every
 * append next to the journal (`<id>.head`). A journal cut short, emptied or missing entries no longer matches
 * its head. The head printed by `incident verify` (`<entries>:<last hash>`) can be kept elsewhere (a ticket,
 * a chat message) and checked later with `--expect-head`, which also catches a rewrite of both files.
 */
export interface JournalHead {
  entries: number;
  last: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

export function headPath(journalFile: string): string {
  return journalFile.replace(/\.jsonl$/, "") + ".head";
}

export function formatHead(head: JournalHead): string {
  return `${head.entries}:${head.last}`;
}

/** Parses `--expect-head`: `<entries>:<hash>` exactly as `verify` printed it. */
export function parseHead(text: string): JournalHead {
  const match = /^(\d{1,9}):([0-9a-f]{64})$/.exec(text.trim());
  if (!match) throw new UsageError(`--expect-head "${text.slice(0, 80)}" is not a head; pass it as "incident verify" printed it: <entries>:<64 hex digits>`);
  return { entries: Number(match[1]), last: match[2]! };
}

export function headMac(key: string, head: JournalHead): string {
  return createHmac("sha256", key)
    .update(`rampart-journal-head\0${formatHead(head)}`)
    .digest("hex");
}

/** Written to a temporary file and renamed over the old head, so a reader never sees half a head. */
export function writeHead(journalFile: string, head: JournalHead, key: string | undefined): void {
  const file = headPath(journalFile);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ ...head, ...(key ? { mac: headMac(key, head) } : {}) })}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

export interface HeadProblem {
  /** The entry count differs: the problem is where the missing (or extra) entries start. */
  countDiffers: boolean;
  message: string;
}

/** The problems with a journal's head against its entries; an empty list when they agree. */
export function checkHead(journalFile: string, actual: JournalHead, key: string | undefined): HeadProblem[] {
  const file = headPath(journalFile);
  const name = basename(file);
  const whole = (message: string): HeadProblem[] => [{ countDiffers: false, message }];
  if (!existsSync(file))
    return whole(`the sealed head ${name} is missing (deleted, the journal copied without it, or written by a Rampart version before sealed heads)`);
  let sealed: unknown;
  try {
    sealed = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return whole(`the sealed head ${name} is not valid JSON (it was altered)`);
  }
  if (!isHead(sealed)) return whole(`the sealed head ${name} is not a head (it was altered)`);
  const problems: HeadProblem[] = [];
  if (key) {
    const mac = (sealed as { mac?: unknown }).mac;
    if (typeof mac !== "string" || !sameHex(mac, headMac(key, sealed)))
      problems.push({
        countDiffers: false,
        message: `the sealed head ${name} has no valid MAC for RAMPART_JOURNAL_KEY (it was rewritten, or the key is wrong)`,
      });
  }
  if (sealed.entries !== actual.entries)
    problems.push({
      countDiffers: true,
      message: `the sealed head says ${sealed.entries} entries but the journal has ${actual.entries} (entries were removed from the end, or added)`,
    });
  else if (sealed.last !== actual.last)
    problems.push({ countDiffers: false, message: "the last entry's hash differs from the sealed head (the end of the journal was rewritten)" });
  return problems;
}

function isHead(value: unknown): value is JournalHead {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return Number.isInteger(v.entries) && (v.entries as number) >= 0 && typeof v.last === "string" && (HEX64.test(v.last) || v.last === "");
}

export function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
