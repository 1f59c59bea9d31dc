/**
 * Reads `git diff -U0` / `git log -p -U0` output line by line and tracks which new-file lines were
 * added. Pure: the git process is elsewhere, so this is tested with plain text.
 */
export interface AddedLines {
  path: string;
  /** Real line numbers in the new file, ascending, each with its text. */
  lines: Array<{ line: number; text: string }>;
}

export interface CommitInfo {
  commit: string;
  date: string;
  author: string;
}

/** The header `git log --format` prints before each commit's patch (see COMMIT_FORMAT). */
export const COMMIT_MARKER = "\u0001rampart-commit ";
export const COMMIT_FORMAT = "%x01rampart-commit %H %aI %an";

export class DiffReader {
  private current: AddedLines | undefined;
  private nextLine = 0;
  private readonly files: AddedLines[] = [];
  commit: CommitInfo | undefined;

  /** Feeds one line; returns the finished files of the previous commit when a new commit starts. */
  push(raw: string): { commit: CommitInfo | undefined; files: AddedLines[] } | undefined {
    if (raw.startsWith(COMMIT_MARKER)) return this.startCommit(raw.slice(COMMIT_MARKER.length));
    if (raw.startsWith("diff --git ")) return void this.closeFile();
    if (raw.startsWith("+++ ")) return void this.openFile(raw.slice(4));
    if (raw.startsWith("@@ ")) return void this.startHunk(raw);
    if (raw.startsWith("+") && this.current && this.nextLine > 0) this.current.lines.push({ line: this.nextLine++, text: raw.slice(1) });
    return undefined;
  }

  /** Ends the input; returns what is left. */
  end(): { commit: CommitInfo | undefined; files: AddedLines[] } {
    this.closeFile();
    return { commit: this.commit, files: this.files.splice(0) };
  }

  private startCommit(header: string): { commit: CommitInfo | undefined; files: AddedLines[] } | undefined {
    const previous = this.end();
    const [commit = "", date = "", ...name] = header.split(" ");
    this.commit = { commit, date, author: name.join(" ") };
    return previous.files.length > 0 ? previous : undefined;
  }

  private openFile(target: string): void {
    this.closeFile();
    if (target === "/dev/null") return;
    this.current = { path: unquote(target).replace(/^b\//, ""), lines: [] };
  }

  private startHunk(header: string): void {
    const match = /\+(\d+)(?:,(\d+))?/.exec(header.split("@@")[1] ?? "");
    this.nextLine = match ? Number(match[1]) : 0;
  }

  private closeFile(): void {
    if (this.current && this.current.lines.length > 0) this.files.push(this.current);
    this.current = undefined;
    this.nextLine = 0;
  }
}

/** git quotes unusual paths as C strings ("b/caf\303\251.txt") unless core.quotePath=false. */
function unquote(path: string): string {
  if (!path.startsWith('"')) return path;
  const inner = path.slice(1, -1).replace(/\\(["\\])/g, "$1");
  const bytes = inner.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}
