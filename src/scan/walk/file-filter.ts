import { lstatSync } from "node:fs";
import { join } from "node:path";
import picomatch from "picomatch";
import { ALWAYS_SKIPPED, GITIGNORE, IgnoreStack, type OnRefused, RAMPARTIGNORE } from "./ignore-stack.js";
import type { RepoContext } from "./repo-context.js";

export interface FileFilterOptions {
  /** Apply git's ignore rules (.gitignore, .git/info/exclude, core.excludesFile) to untracked files. */
  gitignore: boolean;
  /** Globs a file must match to be scanned (empty: every file). */
  include?: readonly string[];
  /** Globs never scanned, each with the reason someone decided so. */
  exclude?: ReadonlyArray<{ glob: string; reason: string }>;
  repo?: RepoContext;
}

/** Passed over without a word (ignored, as git would), or skipped with a reason the report shows. */
export type PathVerdict = { scan: true } | { scan: false; reason?: string };

const SCAN: PathVerdict = { scan: true };
const IGNORED: PathVerdict = { scan: false };

/**
 * The one decision of which paths a scan reads, the same in every mode (directory walk, --diff, --staged,
 * --git-history): `.rampartignore` always, git's ignore files as git applies them (from the repository's top,
 * never to a tracked file), then the config's `exclude` and `include`. Content checks (size, binary,
 * minified) follow in scan-file, also shared by every mode.
 */
export class FileFilter {
  private readonly include: ((path: string) => boolean) | undefined;
  private readonly excludes: Array<{ match: (path: string) => boolean; reason: string }>;
  private readonly stacks = new Map<string, IgnoreStack>();
  private globalStack: IgnoreStack | undefined;

  constructor(
    readonly options: FileFilterOptions,
    private readonly onRefused: OnRefused,
  ) {
    this.include = options.include && options.include.length > 0 ? picomatch([...options.include], { dot: true }) : undefined;
    this.excludes = (options.exclude ?? []).map((e) => ({ match: picomatch(e.glob, { dot: true }), reason: e.reason }));
  }

  get repo(): RepoContext | undefined {
    return this.options.repo;
  }

  /** Whether git tracks `topRel`; undefined outside a repository. */
  tracked(topRel: string): boolean | undefined {
    const tracked = this.options.repo?.tracked;
    return tracked ? tracked.has(topRel) : undefined;
  }

  /** The ignore rules in force inside directory `relDir` of `top`, reading every ignore file from `top` down. */
  stackFor(top: string, relDir: string): IgnoreStack {
    const key = `${top}\0${relDir}`;
    const known = this.stacks.get(key);
    if (known) return known;
    const slash = relDir.lastIndexOf("/");
    const parent = relDir === "" ? this.globals(top) : this.stackFor(top, slash === -1 ? "" : relDir.slice(0, slash));
    const abs = relDir === "" ? top : join(top, relDir);
    const present = [GITIGNORE, RAMPARTIGNORE].filter((name) => exists(join(abs, name)));
    const stack = parent.enter(abs, relDir, present, top, this.onRefused);
    this.stacks.set(key, stack);
    return stack;
  }

  /**
   * The rules in force inside a scanned directory. When git's rules or Rampart's ignore that directory itself,
   * the user named it on purpose: only its own ignore files apply, not those above it.
   */
  rootStack(top: string, relDir: string): IgnoreStack {
    if (relDir === "") return this.stackFor(top, "");
    const slash = relDir.lastIndexOf("/");
    const parent = this.stackFor(top, slash === -1 ? "" : relDir.slice(0, slash));
    if (this.judge(relDir, relDir, true, parent).scan) return this.stackFor(top, relDir);
    const abs = join(top, relDir);
    const present = [GITIGNORE, RAMPARTIGNORE].filter((name) => exists(join(abs, name)));
    return IgnoreStack.empty().enter(abs, relDir, present, top, this.onRefused);
  }

  /**
   * The verdict on one path. `topRel` is relative to the ignore files' top (the repository's top, or the
   * walked root outside a repository); `rel` is what include/exclude globs are matched against.
   */
  judge(topRel: string, rel: string, isDir: boolean, stack: IgnoreStack, knownTracked = false): PathVerdict {
    if (isDir && ALWAYS_SKIPPED.has(topRel.slice(topRel.lastIndexOf("/") + 1))) return IGNORED;
    const ignored = stack.verdicts(topRel, isDir);
    if (ignored.rampart) return IGNORED;
    if (ignored.git && this.options.gitignore && !knownTracked && !this.isTracked(topRel, isDir)) return IGNORED;
    for (const e of this.excludes) if (e.match(rel)) return { scan: false, reason: `excluded by config: ${e.reason}` };
    if (!isDir && this.include && !this.include(rel)) return IGNORED;
    return SCAN;
  }

  /** The whole chain for one path of a git mode (a tracked path: git's own ignore rules never apply to it). */
  judgeTracked(topRel: string): PathVerdict {
    const top = this.options.repo?.top;
    if (!top) return SCAN;
    const slash = topRel.lastIndexOf("/");
    const stack = this.stackFor(top, slash === -1 ? "" : topRel.slice(0, slash));
    return this.judge(topRel, topRel, false, stack, true);
  }

  private isTracked(topRel: string, isDir: boolean): boolean {
    const repo = this.options.repo;
    return (isDir ? repo?.trackedDirs?.has(topRel) : repo?.tracked?.has(topRel)) ?? false;
  }

  private globals(top: string): IgnoreStack {
    const repo = this.options.repo;
    if (!repo || repo.top !== top || !this.options.gitignore) return IgnoreStack.empty();
    this.globalStack ??= IgnoreStack.fromGlobalFiles(repo.globalIgnoreFiles, this.onRefused);
    return this.globalStack;
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
