import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { RampartError } from "../core/errors.js";

/** Marks hooks Rampart wrote, so it may replace its own hook but never someone else's without --force. */
const MARKER = "# installed by rampart hook install";

export const PRE_COMMIT_HOOK = `#!/bin/sh
${MARKER}
# Blocks the commit when staged changes add a secret or misconfiguration at or above the gate.
# Bypass once, knowingly: git commit --no-verify
exec npx --no-install rampart scan --staged
`;

/** Writes `.git/hooks/pre-commit` (or core.hooksPath's); returns the path written. */
export function installPreCommitHook(cwd: string, options: { force?: boolean } = {}): string {
  const dir = hooksDir(cwd);
  const path = join(dir, "pre-commit");
  if (existsSync(path) && !options.force && !readFileSync(path, "utf8").includes(MARKER)) {
    throw new RampartError(
      `${path} already exists and was not written by Rampart; add "npx --no-install rampart scan --staged" to it, or rerun with --force to replace it`,
    );
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, PRE_COMMIT_HOOK);
  chmodSync(path, 0o755);
  return path;
}

function hooksDir(cwd: string): string {
  let dir: string;
  try {
    dir = execFileSync("git", ["rev-parse", "--git-path", "hooks"], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch {
    throw new RampartError(`${cwd} is not inside a git repository; run "git init" first or cd into your repository`);
  }
  return isAbsolute(dir) ? dir : join(cwd, dir);
}
