/**
 * Pure readers of git's output; the git processes are elsewhere, so these are tested with plain bytes.
 *
 * File names come only from `-z` (NUL-separated) raw output, never from patch headers, where a name may
 * carry spaces, tabs or newlines. Patches are read by their hunk line counts: a changed line is whatever
 * the count says, whatever it starts with (an added line reading `++ harmless` is an added line).
 */

/** One changed file of `git diff --raw -z` / `git log --raw -z`. */
export interface RawChange {
  status: string;
  /** Blob id of the file after the change (the index's or the commit's). */
  blob: string;
  /** Blob id before the change (all zeros for an added file). */
  oldBlob: string;
  path: string;
  /** For renames and copies, the path before. */
  from?: string;
}

export interface CommitInfo {
  commit: string;
  date: string;
  author: string;
}

/** The header `git log --format` prints before each commit's raw entries (see COMMIT_FORMAT). */
const COMMIT_MARKER = "\u0001rampart-commit ";
export const COMMIT_FORMAT = "%x01rampart-commit %H %aI %an";

/** Reads NUL-separated raw records (`:oldmode newmode oldblob newblob status`, then one or two paths) and commit headers. */
export class RawReader {
  private pending: { status: string; blob: string; oldBlob: string; paths: string[]; want: number } | undefined;

  constructor(
    private readonly onChange: (change: RawChange) => void,
    private readonly onCommit: (commit: CommitInfo) => void = () => {},
  ) {}

  push(record: Buffer): void {
    const pending = this.pending;
    if (pending) {
      pending.paths.push(record.toString("utf8"));
      if (pending.paths.length < pending.want) return;
      this.pending = undefined;
      const path = pending.paths[pending.paths.length - 1]!;
      this.onChange({
        status: pending.status,
        blob: pending.blob,
        oldBlob: pending.oldBlob,
        path,
        ...(pending.paths.length > 1 ? { from: pending.paths[0]! } : {}),
      });
      return;
    }
    // A record may start with the newline git prints after a commit header.
    let text = record.toString("utf8");
    if (text.startsWith("\n")) text = text.slice(1);
    if (text.startsWith(COMMIT_MARKER)) {
      const [commit = "", date = "", ...name] = text.slice(COMMIT_MARKER.length).split(" ");
      this.onCommit({ commit, date, author: name.join(" ").trim() });
      return;
    }
    if (!text.startsWith(":")) return;
    const fields = text.slice(1).split(" ");
    const status = fields[4] ?? "";
    this.pending = { status: status.charAt(0), blob: fields[3] ?? "", oldBlob: fields[2] ?? "", paths: [], want: /^[RC]/.test(status) ? 2 : 1 };
  }
}

/**
 * Reads `git diff -U0` patch lines (split on "\n" only) and records, per file in output order, the new-file
 * line numbers the change adds. File k of the patch is file k of the raw listing made with the same options.
 */
export class PatchReader {
  /** Added line numbers of each file, in patch order. */
  readonly added: Array<Set<number>> = [];
  private oldLeft = 0;
  private newLeft = 0;
  private nextLine = 0;

  push(line: Buffer): void {
    if (this.oldLeft > 0 || this.newLeft > 0) return this.inHunk(line);
    const text = line.subarray(0, 16).toString("latin1");
    if (text.startsWith("diff --git ") || text.startsWith("diff --cc ")) {
      this.added.push(new Set());
      return;
    }
    if (text.startsWith("@@ ")) this.startHunk(line.toString("latin1"));
  }

  private startHunk(header: string): void {
    const match = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(header);
    if (!match) return;
    this.oldLeft = match[1] === undefined ? 1 : Number(match[1]);
    this.nextLine = Number(match[2]);
    this.newLeft = match[3] === undefined ? 1 : Number(match[3]);
  }

  private inHunk(line: Buffer): void {
    const first = line[0];
    if (first === 0x2b /* + */) {
      this.added[this.added.length - 1]?.add(this.nextLine++);
      this.newLeft--;
    } else if (first === 0x2d /* - */) {
      this.oldLeft--;
    } else if (first === 0x20 /* space: context */) {
      this.nextLine++;
      this.oldLeft--;
      this.newLeft--;
    }
    // "\ No newline at end of file" counts for neither side.
  }
}
