import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../core/errors.js";

/**
 * Where the CI workflow installs Rampart from. Rampart is not published on npm, so the spec must be something
 * that exists today: a git URL pinned to a commit (npm builds it through the package's `prepare` script) or a
 * tarball URL. In order: `--package`, the URL the project's own lockfile installed Rampart from, the GitHub
 * remote and commit of the Rampart checkout that is running.
 */
export function installSource(projectRoot: string, explicit: string | undefined): string {
  if (explicit !== undefined) return checked(explicit);
  const found = fromLockfile(projectRoot) ?? fromOwnCheckout();
  if (found) return found;
  throw new UsageError(
    "cannot tell where CI should install Rampart from: it is not published on npm, and this copy was not installed from a git URL; pass --package git+https://github.com/OWNER/rampart.git#COMMIT (or a tarball URL), or --no-workflow",
  );
}

function checked(spec: string): string {
  if (/^rampart(@.*)?$/.test(spec.trim()))
    throw new UsageError(
      `--package "${spec}" names the npm package "rampart", which is not published; pass a git URL pinned to a commit (git+https://github.com/OWNER/rampart.git#COMMIT) or a tarball URL`,
    );
  if (!/^(git\+(https|ssh|file):|https:\/\/|github:)/.test(spec))
    throw new UsageError(`--package "${spec}" is not a git URL, GitHub shorthand or tarball URL; CI cannot install it`);
  return spec;
}

/** `npm install git+https://…` records the exact commit in package-lock.json; CI then installs the same. */
function fromLockfile(projectRoot: string): string | undefined {
  try {
    const lock = JSON.parse(readFileSync(join(projectRoot, "package-lock.json"), "utf8")) as { packages?: Record<string, { resolved?: string }> };
    const resolved = lock.packages?.["node_modules/rampart"]?.resolved;
    return resolved && /^(git\+(https|ssh):|https:\/\/)/.test(resolved) ? resolved : undefined;
  } catch {
    return undefined;
  }
}

/** A Rampart run from a clone of its GitHub repository: that repository at the running commit. */
function fromOwnCheckout(): string | undefined {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const git = (...args: string[]) => execFileSync("git", ["-C", root, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  try {
    const remote = git("remote", "get-url", "origin");
    const repo = /github\.com[/:]([\w.-]+\/[\w.-]+?)(\.git)?$/.exec(remote)?.[1];
    return repo ? `git+https://github.com/${repo}.git#${git("rev-parse", "HEAD")}` : undefined;
  } catch {
    return undefined;
  }
}
