import { readFileSync } from "node:fs";
import { join } from "node:path";
import ignore, { type Ignore } from "ignore";

/** One directory's ignore rules; paths are tested relative to `dir` (posix, relative to the walk root). */
interface Level {
  dir: string;
  rules: Ignore;
}

/** Directories that are never scanned, whatever the ignore files say. */
export const ALWAYS_SKIPPED = new Set([".git", "node_modules", ".rampart-cache"]);

/**
 * .gitignore and .rampartignore cascading like git: every directory may add rules, deeper rules win, and a
 * `!negation` re-includes. Immutable: entering a directory returns a new stack sharing the parent's levels.
 */
export class IgnoreStack {
  private constructor(private readonly levels: readonly Level[]) {}

  static empty(): IgnoreStack {
    return new IgnoreStack([]);
  }

  /** Adds the ignore files of `absDir` (whose walk-relative path is `relDir`, "" for the root). */
  enter(absDir: string, relDir: string, fileNames: readonly string[]): IgnoreStack {
    const rules = ignore({ allowRelativePaths: true });
    let any = false;
    for (const name of fileNames) {
      const text = readIgnoreFile(join(absDir, name));
      if (text === undefined) continue;
      rules.add(text);
      any = true;
    }
    return any ? new IgnoreStack([...this.levels, { dir: relDir, rules }]) : this;
  }

  /** `rel` is walk-relative with `/` separators; directories are tested with a trailing slash. */
  ignores(rel: string, isDir: boolean): boolean {
    let ignored = false;
    for (const level of this.levels) {
      const local = level.dir === "" ? rel : rel.slice(level.dir.length + 1);
      if (local === "") continue;
      const result = level.rules.test(isDir ? `${local}/` : local);
      if (result.ignored) ignored = true;
      else if (result.unignored) ignored = false;
    }
    return ignored;
  }
}

function readIgnoreFile(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined; // absent or unreadable: no rules from it
  }
}
