import lockfile from "proper-lockfile";
import { RampartError } from "../core/errors.js";

/**
 * One writer at a time per journal, across processes: proper-lockfile's atomic `mkdir` of `<journal>.lock`,
 * kept fresh while held and taken over when its holder died (stale after 10 s). Without it, two
 * `incident step` runs at once both chain to the same last entry and fork the journal.
 */
const LOCK_OPTIONS = {
  stale: 10_000,
  realpath: false,
  // Up to ~60 s of waiting with jittered backoff: enough for dozens of writers queued on one journal.
  retries: { retries: 150, factor: 1.2, minTimeout: 10, maxTimeout: 400, randomize: true },
};

export async function withJournalLock<T>(file: string, write: (stillHeld: () => void) => T): Promise<T> {
  let compromised = false;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(file, {
      ...LOCK_OPTIONS,
      onCompromised: () => {
        compromised = true;
      },
    });
  } catch (error) {
    throw new RampartError(
      `could not lock the journal for writing (${(error as Error).message}); another writer may be stuck: if no rampart incident command is running, remove ${file}.lock and retry`,
      { file },
    );
  }
  const stillHeld = () => {
    if (compromised) throw new RampartError("lost the journal lock to another writer while appending; nothing was written, retry the command", { file });
  };
  try {
    return write(stillHeld);
  } finally {
    await release().catch(() => undefined);
  }
}
