import { readdirSync, type Dirent } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import picomatch from "picomatch";
import { ALWAYS_SKIPPED, IgnoreStack } from "./ignore-stack.js";

export interface WalkOptions {
  /** Absolute paths to walk (files or directories). */
  roots: string[];
  /** Absolute directory reported paths are relative to. */
  base: string;
  gitignore: boolean;
  include?: string[];
  exclude?: Array<{ glob: string; reason: string }>;
  followSymlinks?: boolean;
}

export interface WalkedFile {
  abs: string;
  /** Relative to `base`, `/` separators. */
  rel: string;
}

export interface Skipped {
  path: string;
  reason: string;
}

/**
 * Yields every regular file to scan, depth first, and reports each entry passed over with why through
 * `onSkip`. Never throws for a single entry: vanished files, permission errors, FIFOs, sockets and symlink
 * loops become skips. Directories are read as a stream (opendir), so huge trees cost little memory.
 */
export async function* walkFiles(options: WalkOptions, onSkip: (skip: Skipped) => void): AsyncGenerator<WalkedFile> {
  const ignoreNames = options.gitignore ? [".gitignore", ".rampartignore"] : [".rampartignore"];
  const include = options.include && options.include.length > 0 ? picomatch(options.include, { dot: true }) : undefined;
  const excludes = (options.exclude ?? []).map((e) => ({ match: picomatch(e.glob, { dot: true }), reason: e.reason }));
  const visitedDirs = new Set<string>();
  const toRel = (abs: string) => relative(options.base, abs).split(sep).join("/") || ".";

  function excluded(rel: string): string | undefined {
    for (const e of excludes) if (e.match(rel)) return `excluded by config: ${e.reason}`;
    return undefined;
  }

  async function* walkDir(abs: string, relDir: string, stack: IgnoreStack): AsyncGenerator<WalkedFile> {
    // Without following symlinked directories a walk cannot loop (directories have no hard links), so the
    // realpath bookkeeping is only paid when following.
    if (options.followSymlinks) {
      const real = await realpath(abs).catch(() => abs);
      if (visitedDirs.has(real)) {
        onSkip({ path: toRel(abs), reason: "directory already scanned (symlink loop)" });
        return;
      }
      visitedDirs.add(real);
    }
    // One synchronous readdir per directory: far cheaper than an async directory stream's thread-pool round
    // trips, and short enough not to hold up the workers' messages.
    let entries: Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch (error) {
      onSkip({ path: toRel(abs), reason: `unreadable directory (${errorCode(error)})` });
      return;
    }
    const names = entries.map((entry) => ({
      name: entry.name,
      kind: entry.isDirectory() ? "dir" : entry.isFile() ? "file" : entry.isSymbolicLink() ? "symlink" : "other",
    }));
    // Only ignore files that are there are read (a failed read per directory per name adds up).
    const here = stack.enter(abs, relDir, ignoreNames.filter((n) => names.some((e) => e.name === n && e.kind !== "dir")));
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const { name, kind } of names) {
      const childAbs = join(abs, name);
      const childRel = relDir === "" ? name : `${relDir}/${name}`;
      yield* visit(childAbs, childRel, kind, here);
    }
  }

  async function* visit(abs: string, walkRel: string, kind: string, stack: IgnoreStack): AsyncGenerator<WalkedFile> {
    const name = walkRel.slice(walkRel.lastIndexOf("/") + 1);
    if (kind === "dir" && ALWAYS_SKIPPED.has(name)) return;
    if (stack.ignores(walkRel, kind === "dir")) return;
    const rel = toRel(abs);
    const why = excluded(rel);
    if (why) {
      onSkip({ path: rel, reason: why });
      return;
    }
    if (kind === "dir") {
      yield* walkDir(abs, walkRel, stack);
      return;
    }
    if (kind === "other") {
      onSkip({ path: rel, reason: "not a regular file (FIFO, socket or device)" });
      return;
    }
    // Regular files are not stat'ed here: the reader checks the size on the open file (one syscall fewer per file).
    if (kind === "symlink") {
      const info = await stat(abs).catch((error: unknown) => error as NodeJS.ErrnoException);
      if (info instanceof Error) {
        const code = errorCode(info);
        onSkip({ path: rel, reason: code === "ELOOP" ? "symlink loop" : `broken symlink (${code})` });
        return;
      }
      if (info.isDirectory()) {
        if (!options.followSymlinks) onSkip({ path: rel, reason: "symlinked directory (not followed)" });
        else yield* walkDir(abs, walkRel, stack);
        return;
      }
      if (!info.isFile()) {
        onSkip({ path: rel, reason: "not a regular file (FIFO, socket or device)" });
        return;
      }
    }
    if (include && !include(rel)) return;
    yield { abs, rel };
  }

  for (const root of options.roots) {
    const info = await stat(root).catch((error: unknown) => error as NodeJS.ErrnoException);
    if (info instanceof Error) {
      onSkip({ path: toRel(root), reason: `cannot read (${errorCode(info)})` });
      continue;
    }
    if (info.isDirectory()) yield* walkDir(root, "", IgnoreStack.empty());
    else yield* visit(root, root.split(sep).pop() ?? root, info.isFile() ? "file" : "other", IgnoreStack.empty());
  }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException)?.code ?? "error";
}
