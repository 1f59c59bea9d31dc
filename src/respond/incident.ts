import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { RampartError } from "../core/errors.js";
import { appendEntry, type JournalEntry, type JournalOptions, type JournalRead, readJournal } from "./journal.js";
import type { JournalHead } from "./journal-head.js";
import { findPlaybook, PLAYBOOKS_DIR, type Playbook, type PlaybookStep } from "./playbook.js";

/** A guided incident: a playbook run recorded in a hash-chained journal at `<dir>/<id>.jsonl`. */
export interface IncidentState {
  id: string;
  title: string;
  playbook: Playbook;
  openedAt: string;
  closedAt?: string;
  steps: Map<string, { status: "done" | "skip"; at: string }>;
  entries: JournalEntry[];
}

export function journalPath(dir: string, id: string): string {
  if (!/^INC-[0-9A-Za-z-]+$/.test(id)) throw new RampartError(`"${id}" is not an incident id (like INC-20261124-1a2b); list them with ls ${dir}`);
  return join(dir, `${id}.jsonl`);
}

/**
 * Opens an incident from a playbook in `playbooksDir` (the project's own after `rampart init`). The journal keeps
 * a copy of the playbook as it was, so later edits to the YAML never change an incident in flight.
 */
export async function openIncident(
  dir: string,
  playbookId: string,
  title: string,
  now = new Date(),
  playbooksDir = PLAYBOOKS_DIR,
  options: JournalOptions = {},
): Promise<string> {
  const playbook = findPlaybook(playbookId, playbooksDir);
  mkdirSync(dir, { recursive: true });
  const id = `INC-${now.toISOString().slice(0, 10).replace(/-/g, "")}-${randomBytes(2).toString("hex")}`;
  const file = journalPath(dir, id);
  await appendEntry(
    file,
    "opened",
    { playbook: playbook.id, title, playbookSnapshot: playbook },
    {
      ...options,
      now,
      check: (entries) => {
        if (entries.length > 0) throw new RampartError(`incident ${id} already exists; run the command again for a new id`, { file });
      },
    },
  );
  return id;
}

function playbookOf(data: Record<string, unknown>): Playbook {
  const snapshot = data.playbookSnapshot as Playbook | undefined;
  return snapshot && Array.isArray(snapshot.steps) ? snapshot : findPlaybook(String(data.playbook));
}

export function loadIncident(dir: string, id: string, options: JournalOptions = {}): IncidentState {
  const file = existingJournal(dir, id);
  const { entries, problems } = readJournal(file, options);
  if (problems.length > 0)
    throw new RampartError(`journal damaged at line ${problems[0]!.line}: ${problems[0]!.message}; run "rampart incident verify ${id}"`, { file });
  return stateOf(id, file, entries);
}

function existingJournal(dir: string, id: string): string {
  const file = journalPath(dir, id);
  if (!existsSync(file)) throw new RampartError(`no incident ${id} in ${dir}; open one with "rampart incident open <playbook> --title ..."`);
  return file;
}

function stateOf(id: string, file: string, entries: JournalEntry[]): IncidentState {
  const opened = entries[0];
  if (opened?.type !== "opened") throw new RampartError("journal damaged at line 1: it does not start with an opened entry", { file, line: 1 });
  const state: IncidentState = { id, title: String(opened.data.title), playbook: playbookOf(opened.data), openedAt: opened.time, steps: new Map(), entries };
  for (const e of entries) {
    if (e.type === "step") state.steps.set(String(e.data.step), { status: e.data.status as "done" | "skip", at: e.time });
    if (e.type === "closed") state.closedAt = e.time;
  }
  return state;
}

/** Appends to an open incident; the state is read and checked under the journal's lock, so writers never race. */
async function appendToOpen(
  dir: string,
  id: string,
  type: string,
  data: Record<string, unknown>,
  options: JournalOptions & { now?: Date },
  check?: (state: IncidentState) => void,
): Promise<void> {
  const file = existingJournal(dir, id);
  await appendEntry(file, type, data, {
    ...options,
    check: (entries) => {
      const state = stateOf(id, file, entries);
      assertOpen(state);
      check?.(state);
    },
  });
}

export async function recordStep(
  dir: string,
  id: string,
  stepId: string,
  status: "done" | "skip",
  note: string | undefined,
  options: JournalOptions & { now?: Date } = {},
): Promise<void> {
  await appendToOpen(dir, id, "step", { step: stepId, status, ...(note ? { note } : {}) }, options, (state) => {
    if (state.playbook.steps.some((s) => s.id === stepId)) return;
    throw new RampartError(`playbook ${state.playbook.id} has no step "${stepId}"; its steps are ${state.playbook.steps.map((s) => s.id).join(", ")}`);
  });
}

export async function addNote(dir: string, id: string, text: string, options: JournalOptions & { now?: Date } = {}): Promise<void> {
  await appendToOpen(dir, id, "note", { text }, options);
}

export async function closeIncident(dir: string, id: string, note: string | undefined, options: JournalOptions & { now?: Date } = {}): Promise<void> {
  await appendToOpen(dir, id, "closed", note ? { note } : {}, options);
}

function assertOpen(state: IncidentState): void {
  if (state.closedAt) throw new RampartError(`${state.id} was closed at ${state.closedAt}; open a new incident to record more`);
}

export function nextStep(state: IncidentState): PlaybookStep | undefined {
  return state.playbook.steps.find((s) => !state.steps.has(s.id));
}

/** Minutes from opening until every contain step is done (or skipped), and until closing. */
export function timings(state: IncidentState): { timeToContainMinutes?: number; timeToResolveMinutes?: number } {
  const opened = Date.parse(state.openedAt);
  const contain = state.playbook.steps.filter((s) => s.phase === "contain");
  const containTimes = contain.map((s) => state.steps.get(s.id)?.at);
  const contained = containTimes.every((t) => t !== undefined) && containTimes.length > 0 ? Math.max(...containTimes.map((t) => Date.parse(t!))) : undefined;
  const minutes = (t: number) => Math.round((t - opened) / 60_000);
  return {
    ...(contained !== undefined ? { timeToContainMinutes: minutes(contained) } : {}),
    ...(state.closedAt ? { timeToResolveMinutes: minutes(Date.parse(state.closedAt)) } : {}),
  };
}

/** The whole journal checked: chain, sealed head, MACs with the key, and the recorded head when given. */
export function verifyIncident(dir: string, id: string, options: JournalOptions & { expectHead?: JournalHead } = {}): JournalRead {
  const read = readJournal(existingJournal(dir, id), options);
  const first = read.entries[0];
  if (first && first.seq === 1 && first.type !== "opened") read.problems.unshift({ line: 1, message: "the journal does not start with an opened entry" });
  return read;
}
