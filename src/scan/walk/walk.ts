import { readdirSync, type Dirent } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { relative, sep } from "node:path";
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

interface Entry {
  name: string;
  kind: "dir" | "file" | "symlink" | "other";
}

/** A directory being walked: its sorted entries and how far the walk has got through them. */
interface Frame {
  abs: string;
  walkRel: string;
  stack: IgnoreStack;
  entries: Entry[];
  next: number;
}

/**
 * Yields every regular file to scan, depth first, and reports each entry passed over with why through
 * `onSkip`. Never throws for a single entry: vanished files, permission errors, FIFOs, sockets and symlink
 * loops become skips. The walk keeps its own stack of directories: nested `yield*` generators cost every
 * file one hop per directory level, which on a deep tree was a good part of the walk.
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

  /** Reads a directory into a frame; undefined (and a skip) when it cannot be read or was seen already. */
  async function open(abs: string, walkRel: string, stack: IgnoreStack): Promise<Frame | undefined> {
    // Without following symlinked directories a walk cannot loop (directories have no hard links), so the
    // realpath bookkeeping is only paid when following.
    if (options.followSymlinks) {
      const real = await realpath(abs).catch(() => abs);
      if (visitedDirs.has(real)) {
        onSkip({ path: toRel(abs), reason: "directory already scanned (symlink loop)" });
        return undefined;
      }
      visitedDirs.add(real);
    }
    // One synchronous readdir per directory: far cheaper than an async directory stream's thread-pool round
    // trips, and short enough not to hold up the workers' messages.
    let dirents: Dirent[];
    try {
      dirents = readdirSync(abs, { withFileTypes: true });
    } catch (error) {
      onSkip({ path: toRel(abs), reason: `unreadable directory (${errorCode(error)})` });
      return undefined;
    }
    const entries = dirents.map((entry): Entry => ({
      name: entry.name,
      kind: entry.isDirectory() ? "dir" : entry.isFile() ? "file" : entry.isSymbolicLink() ? "symlink" : "other",
    }));
    // Only ignore files that are there are read (a failed read per directory per name adds up).
    const here = stack.enter(abs, walkRel, ignoreNames.filter((n) => entries.some((e) => e.name === n && e.kind !== "dir")));
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { abs, walkRel, stack: here, entries, next: 0 };
  }

  /**
   * What to do with one entry: a file to yield, a directory to descend into, or nothing (skipped). `rel` is
   * relative to `base`; `relOf` turns a walk-relative path into it without path.relative per entry.
   */
  async function visit(abs: string, walkRel: string, rel: string, kind: Entry["kind"], stack: IgnoreStack): Promise<WalkedFile | "dir" | undefined> {
    const name = walkRel.slice(walkRel.lastIndexOf("/") + 1);
    if (kind === "dir" && ALWAYS_SKIPPED.has(name)) return undefined;
    if (stack.ignores(walkRel, kind === "dir")) return undefined;
    const why = excluded(rel);
    if (why) {
      onSkip({ path: rel, reason: why });
      return undefined;
    }
    if (kind === "dir") return "dir";
    if (kind === "other") {
      onSkip({ path: rel, reason: "not a regular file (FIFO, socket or device)" });
      return undefined;
    }
    // Regular files are not stat'ed here: the reader checks the size on the open file (one syscall fewer per file).
    if (kind === "symlink") {
      const info = await stat(abs).catch((error: unknown) => error as NodeJS.ErrnoException);
      if (info instanceof Error) {
        const code = errorCode(info);
        onSkip({ path: rel, reason: code === "ELOOP" ? "symlink loop" : `broken symlink (${code})` });
        return undefined;
      }
      if (info.isDirectory()) {
        if (options.followSymlinks) return "dir";
        onSkip({ path: rel, reason: "symlinked directory (not followed)" });
        return undefined;
      }
      if (!info.isFile()) {
        onSkip({ path: rel, reason: "not a regular file (FIFO, socket or device)" });
        return undefined;
      }
    }
    if (include && !include(rel)) return undefined;
    return { abs, rel };
  }

  async function* walkTree(root: string): AsyncGenerator<WalkedFile> {
    const rootRel = toRel(root);
    const relOf = (walkRel: string) => (rootRel === "." ? walkRel : `${rootRel}/${walkRel}`);
    const first = await open(root, "", IgnoreStack.empty());
    const frames: Frame[] = first ? [first] : [];
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const entry = frame.entries[frame.next++];
      if (!entry) {
        frames.pop();
        continue;
      }
      const abs = frame.abs.endsWith(sep) ? frame.abs + entry.name : frame.abs + sep + entry.name;
      const walkRel = frame.walkRel === "" ? entry.name : `${frame.walkRel}/${entry.name}`;
      const outcome = await visit(abs, walkRel, relOf(walkRel), entry.kind, frame.stack);
      if (outcome === "dir") {
        const child = await open(abs, walkRel, frame.stack);
        if (child) frames.push(child);
      } else if (outcome) yield outcome;
    }
  }

  for (const root of options.roots) {
    const info = await stat(root).catch((error: unknown) => error as NodeJS.ErrnoException);
    if (info instanceof Error) {
      onSkip({ path: toRel(root), reason: `cannot read (${errorCode(info)})` });
      continue;
    }
    if (info.isDirectory()) {
      yield* walkTree(root);
      continue;
    }
    const outcome = await visit(root, root.split(sep).pop() ?? root, toRel(root), info.isFile() ? "file" : "other", IgnoreStack.empty());
    if (outcome && outcome !== "dir") yield outcome;
  }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException)?.code ?? "error";
}
