import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";

/**
 * What git knows about the tree being scanned: where the repository starts (so `.gitignore` files above the
 * scanned directory apply), its extra ignore files, and which files it tracks (git never applies ignore
 * rules to a tracked file, and some rules judge a committed file differently from a local one).
 */
export interface RepoContext {
  /** The work tree's top directory. */
  top: string;
  /** `.git/info/exclude` and `core.excludesFile`, lowest precedence first (absent files are left out). */
  globalIgnoreFiles: string[];
  /** Tracked paths relative to `top`; undefined when git could not say. */
  tracked?: ReadonlySet<string>;
  /** Every directory holding a tracked file, relative to `top` (an ignored directory with tracked files is still walked). */
  trackedDirs?: ReadonlySet<string>;
}

/** A tracked-file listing beyond this is not used (bounded memory on giant monorepos; ignore rules then apply as written). */
const MAX_LISTING_BYTES = 256 * 1024 * 1024;

/** The repository around `dir`, or undefined when it is not inside one (or git is not installed). */
export function findRepoContext(dir: string, options: { tracked?: boolean } = {}): RepoContext | undefined {
  const top = findTop(dir);
  if (!top) return undefined;
  const context: RepoContext = { top, globalIgnoreFiles: globalIgnoreFiles(top) };
  if (options.tracked === false) return context;
  const listing = spawnSync("git", ["-c", "core.quotePath=false", "ls-files", "-z", "--cached", "--full-name"], { cwd: top, maxBuffer: MAX_LISTING_BYTES });
  if (listing.error || listing.status !== 0) return context;
  const tracked = new Set<string>();
  const trackedDirs = new Set<string>();
  for (const path of listing.stdout.toString("utf8").split("\0")) {
    if (path === "") continue;
    tracked.add(path);
    for (let slash = path.lastIndexOf("/"); slash > 0; slash = path.lastIndexOf("/", slash - 1)) {
      const parent = path.slice(0, slash);
      if (trackedDirs.has(parent)) break;
      trackedDirs.add(parent);
    }
  }
  return { ...context, tracked, trackedDirs };
}

/** The nearest directory at or above `dir` holding `.git` (a directory, or a file in worktrees and submodules). */
function findTop(dir: string): string | undefined {
  for (let current = resolve(dir); ; current = dirname(current)) {
    try {
      statSync(join(current, ".git"));
      return current;
    } catch {
      // keep climbing
    }
    if (dirname(current) === current) return undefined;
  }
}

function globalIgnoreFiles(top: string): string[] {
  const files: string[] = [];
  const excludesFile = gitConfigPath(top, "core.excludesFile") ?? defaultExcludesFile();
  if (excludesFile) files.push(excludesFile);
  const gitDir = commonGitDir(top);
  if (gitDir) files.push(join(gitDir, "info", "exclude"));
  return files;
}

function gitConfigPath(top: string, key: string): string | undefined {
  const result = spawnSync("git", ["config", "--path", "--get", key], { cwd: top, encoding: "utf8" });
  const value = result.status === 0 ? result.stdout.trim() : "";
  return value === "" ? undefined : isAbsolute(value) ? value : resolve(top, value);
}

function defaultExcludesFile(): string {
  const config = process.env.XDG_CONFIG_HOME && isAbsolute(process.env.XDG_CONFIG_HOME) ? process.env.XDG_CONFIG_HOME : join(homedir(), ".config");
  return join(config, "git", "ignore");
}

/** `.git`, or for a worktree the main repository's git directory (where info/exclude lives). */
function commonGitDir(top: string): string | undefined {
  const dotGit = join(top, ".git");
  try {
    const info = statSync(dotGit);
    if (info.isDirectory()) return dotGit;
    if (!info.isFile() || info.size > 4096) return undefined;
    const pointer = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, { encoding: "utf8" }).slice(0, 4096))?.[1]?.trim();
    if (!pointer) return undefined;
    const gitDir = resolve(top, pointer);
    try {
      const common = readFileSync(join(gitDir, "commondir"), "utf8").trim();
      return resolve(gitDir, common);
    } catch {
      return gitDir;
    }
  } catch {
    return undefined;
  }
}
