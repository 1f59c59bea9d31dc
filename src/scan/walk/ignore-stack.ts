import { join } from "node:path";
import { readRegularFile, UnsafeFileError } from "../../core/safe-file.js";
import { compileIgnoreRules, type IgnoreMatcher } from "./ignore-rules.js";

/** One directory's ignore rules; paths are tested relative to `dir` (relative to the stack's top, "" for the top). */
interface Level {
  dir: string;
  git?: IgnoreMatcher;
  rampart?: IgnoreMatcher;
}

/** Directories that are never scanned, whatever the ignore files say. */
export const ALWAYS_SKIPPED = new Set([".git", "node_modules", ".rampart-cache"]);

export const GITIGNORE = ".gitignore";
export const RAMPARTIGNORE = ".rampartignore";
/** Hand-written ignore files stay far below this; a bigger one (or a link to /dev/zero) is refused, not read. */
const MAX_IGNORE_FILE_BYTES = 1024 * 1024;

/** Whether git's ignore rules, and Rampart's, exclude a path. */
export interface IgnoreVerdicts {
  git: boolean;
  rampart: boolean;
}

/** An ignore file that was not read, and why (it is reported as a skip so the user sees it). */
export type OnRefused = (path: string, reason: string) => void;

/**
 * .gitignore and .rampartignore cascading like git: every directory may add rules, deeper rules win, and a
 * `!negation` re-includes. The two kinds are kept apart because git's rules never apply to a tracked file
 * while Rampart's always do. Immutable: entering a directory returns a new stack sharing the parent's levels.
 */
export class IgnoreStack {
  private constructor(private readonly levels: readonly Level[]) {}

  static empty(): IgnoreStack {
    return new IgnoreStack([]);
  }

  /** Global git ignore files (core.excludesFile, .git/info/exclude), applying from the top directory down. */
  static fromGlobalFiles(files: readonly string[], onRefused: OnRefused): IgnoreStack {
    const levels: Level[] = [];
    for (const file of files) {
      const text = readIgnoreFile(file, undefined, onRefused);
      if (text !== undefined) levels.push({ dir: "", git: compileIgnoreRules(text) });
    }
    return new IgnoreStack(levels);
  }

  /**
   * Adds the ignore files of `absDir` (whose top-relative path is `relDir`, "" for the top) that `present`
   * names. `root` bounds where a symlinked ignore file may lead.
   */
  enter(absDir: string, relDir: string, present: readonly string[], root: string, onRefused: OnRefused): IgnoreStack {
    if (present.length === 0) return this;
    const level: Level = { dir: relDir };
    for (const name of present) {
      const text = readIgnoreFile(join(absDir, name), root, onRefused, relDir === "" ? name : `${relDir}/${name}`);
      if (text === undefined) continue;
      if (name === GITIGNORE) level.git = compileIgnoreRules(text);
      else level.rampart = compileIgnoreRules(text);
    }
    return level.git || level.rampart ? new IgnoreStack([...this.levels, level]) : this;
  }

  /** `rel` is top-relative with `/` separators. */
  verdicts(rel: string, isDir: boolean): IgnoreVerdicts {
    let git = false;
    let rampart = false;
    for (const level of this.levels) {
      if (level.dir !== "" && !rel.startsWith(`${level.dir}/`)) continue;
      const local = level.dir === "" ? rel : rel.slice(level.dir.length + 1);
      if (local === "") continue;
      const g = level.git?.test(local, isDir);
      if (g) git = g === "ignored";
      const r = level.rampart?.test(local, isDir);
      if (r) rampart = r === "ignored";
    }
    return { git, rampart };
  }
}

function readIgnoreFile(path: string, root: string | undefined, onRefused: OnRefused, shown = path): string | undefined {
  try {
    return readRegularFile(path, { maxBytes: MAX_IGNORE_FILE_BYTES, ...(root ? { root } : {}) });
  } catch (error) {
    // Refused (a FIFO, a device, a link out of the tree, too big): its rules do not apply, so more is scanned.
    if (error instanceof UnsafeFileError) onRefused(shown, `ignore file not read: it ${error.message}`);
    return undefined; // absent or unreadable: no rules from it
  }
}
