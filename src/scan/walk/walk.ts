import { type Dirent, readdirSync } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { relative, sep } from "node:path";
import type { Fragment } from "../fragment.js";
import { FileFilter } from "./file-filter.js";
import { GITIGNORE, IgnoreStack, RAMPARTIGNORE } from "./ignore-stack.js";
import type { RepoContext } from "./repo-context.js";

export interface WalkOptions {
  /** Absolute paths to walk (files or directories). */
  roots: string[];
  /** Absolute directory reported paths are relative to. */
  base: string;
  gitignore: boolean;
  include?: string[];
  exclude?: Array<{ glob: string; reason: string }>;
  followSymlinks?: boolean;
  /** The repository around the roots: its top's ignore files apply, and tracked files are never git-ignored. */
  repo?: RepoContext;
  /** A filter built by the caller (it is shared with other modes); otherwise one is built from the options above. */
  filter?: FileFilter;
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
export async function* walkFiles(options: WalkOptions, onSkip: (skip: Skipped) => void): AsyncGenerator<Fragment> {
  const ignoreNames = [GITIGNORE, RAMPARTIGNORE];
  const filter =
    options.filter ??
    new FileFilter(
      {
        gitignore: options.gitignore,
        ...(options.include ? { include: options.include } : {}),
        ...(options.exclude ? { exclude: options.exclude } : {}),
        ...(options.repo ? { repo: options.repo } : {}),
      },
      (path, reason) => onSkip({ path, reason }),
    );
  const repo = filter.repo;
  const visitedDirs = new Set<string>();
  const toRel = (abs: string) => relative(options.base, abs).split(sep).join("/") || ".";
  /** Where ignore files cascade from: the repository's top, or the walked root outside a repository. */
  let top = options.base;
  /** The walked root relative to `top` ("" when it is the top). */
  let rootTopRel = "";
  const topRelOf = (walkRel: string) => (rootTopRel === "" ? walkRel : walkRel === "" ? rootTopRel : `${rootTopRel}/${walkRel}`);

  /** Reads a directory into a frame; undefined (and a skip) when it cannot be read or was seen already. */
  async function open(abs: string, walkRel: string, stack: IgnoreStack, isRoot = false): Promise<Frame | undefined> {
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
    const entries = dirents.map(
      (entry): Entry => ({
        name: entry.name,
        kind: entry.isDirectory() ? "dir" : entry.isFile() ? "file" : entry.isSymbolicLink() ? "symlink" : "other",
      }),
    );
    // Only ignore files that are there are read (a failed read per directory per name adds up). The root's
    // were read with its parents'.
    const present = isRoot ? [] : ignoreNames.filter((n) => entries.some((e) => e.name === n && e.kind !== "dir"));
    const here = stack.enter(abs, topRelOf(walkRel), present, top, (path, reason) => onSkip({ path, reason }));
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { abs, walkRel, stack: here, entries, next: 0 };
  }

  /**
   * What to do with one entry: a file to yield, a directory to descend into, or nothing (skipped). `rel` is
   * relative to `base`; `relOf` turns a walk-relative path into it without path.relative per entry.
   */
  async function visit(abs: string, walkRel: string, rel: string, kind: Entry["kind"], stack: IgnoreStack): Promise<Fragment | "dir" | undefined> {
    const topRel = topRelOf(walkRel);
    const verdict = filter.judge(topRel, rel, kind === "dir", stack);
    if (!verdict.scan) {
      if (verdict.reason) onSkip({ path: rel, reason: verdict.reason });
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
    const tracked = filter.tracked(topRel);
    return tracked === undefined ? { path: rel, file: abs } : { path: rel, file: abs, tracked };
  }

  async function* walkTree(root: string): AsyncGenerator<Fragment> {
    const rootRel = toRel(root);
    const relOf = (walkRel: string) => (rootRel === "." ? walkRel : `${rootRel}/${walkRel}`);
    top = repo?.top ?? root;
    rootTopRel = relative(top, root).split(sep).join("/");
    const first = await open(root, "", filter.rootStack(top, rootTopRel), true);
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
    // A file named on the command line is scanned even if an ignore file lists it: the user asked for it.
    const dir = root.slice(0, root.lastIndexOf(sep)) || sep;
    top = repo?.top ?? dir;
    rootTopRel = relative(top, dir).split(sep).join("/");
    const name = root.slice(root.lastIndexOf(sep) + 1);
    const outcome = await visit(root, name, toRel(root), info.isFile() ? "file" : "other", IgnoreStack.empty());
    if (outcome && outcome !== "dir") yield outcome;
  }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException)?.code ?? "error";
}
