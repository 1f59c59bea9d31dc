import { matchesGlobs } from "./apply-rules.js";
import type { ScanRule } from "./rule.js";

/**
 * Whether a path is one some tree-judging rule (`needsTree`, ELZ-014) applies to. Every mode scans those
 * files with the tree's file list, once it is known.
 */
export function treeMatcher(rules: readonly ScanRule[]): (path: string) => boolean {
  const lists = rules.filter((r) => r.meta.needsTree).map((r) => r.meta.files ?? ["**"]);
  if (lists.length === 0) return () => false;
  return (path) => lists.some((globs) => matchesGlobs(globs, path));
}
