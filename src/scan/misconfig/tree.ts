import type { ScanFile } from "../rule.js";

/**
 * Repo-level checks need to know which other files exist. The engine passes the scanned file list
 * as `tree` (paths relative to the scan root, `/` separators); without it those checks stay silent
 * rather than guess. This extends ScanFile compatibly: the field is optional.
 */
export interface ScanFileWithTree extends ScanFile {
  tree?: readonly string[];
  /** Whether git tracks this file; undefined when unknown (not a repository, or not asked). */
  tracked?: boolean;
}

/** False only when the engine knows the file is untracked (e.g. a developer's gitignored .env). */
export function isKnownUntracked(file: ScanFile): boolean {
  return (file as ScanFileWithTree).tracked === false;
}

export function treeOf(file: ScanFile): readonly string[] | undefined {
  const tree = (file as ScanFileWithTree).tree;
  return Array.isArray(tree) ? tree : undefined;
}

export function dirOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? "" : path.slice(0, slash + 1);
}
