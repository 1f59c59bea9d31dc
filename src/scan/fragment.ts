/**
 * One piece of content to scan, whichever source yielded it (gitleaks' fragment): the directory walk, `--diff`,
 * `--staged` and `--git-history` all produce these, every one goes through the same file filter before, and the
 * same content checks and Scanner after (scan-file.ts). Plain data: fragments cross to worker threads.
 */
export interface Fragment {
  /** Relative to the scan's base, `/` separators: what findings and skips name. */
  path: string;
  /** The file on disk holding the content (the walk), read by whichever thread scans the fragment. */
  file?: string;
  /** The content, when the source already holds it (a git blob). */
  bytes?: Uint8Array;
  /** Whether git tracks the file (always, in the git modes); absent outside a repository. */
  tracked?: boolean;
  /** Every path of the tree, for files a `needsTree` rule judges against it; absent otherwise. */
  tree?: readonly string[];
}
