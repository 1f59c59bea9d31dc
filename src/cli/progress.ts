import type { CliIo } from "./io.js";

/**
 * One status line on stderr for long runs (history scans, org audits, months of issues).
 * Shown only to a human at a terminal: CI logs and pipes stay quiet, and stdout stays clean for reports.
 */
export interface Progress {
  /** Replace the status line with `label message`. Cheap to call often: redraws at most every 100 ms. */
  update(message: string): void;
  /** Erase the status line (call before printing the report). */
  done(): void;
  readonly visible: boolean;
}

const REDRAW_MS = 100;

export function wantsProgress(io: CliIo): boolean {
  if (io.stderr.isTTY !== true) return false;
  if (io.env.CI !== undefined && io.env.CI !== "" && io.env.CI !== "false") return false;
  return io.env.RAMPART_NO_PROGRESS === undefined;
}

export function createProgress(io: CliIo, label: string, now: () => number = Date.now): Progress {
  if (!wantsProgress(io)) return { update: () => {}, done: () => {}, visible: false };
  let lastDraw = -Infinity;
  let drawn = false;
  return {
    visible: true,
    update(message: string) {
      const t = now();
      if (t - lastDraw < REDRAW_MS) return;
      lastDraw = t;
      drawn = true;
      io.stderr.write(`\r${label} ${message}\u001b[K`);
    },
    done() {
      if (drawn) io.stderr.write("\r\u001b[K");
      drawn = false;
    },
  };
}
