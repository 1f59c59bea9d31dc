import { spawn, spawnSync } from "node:child_process";
import { RampartError } from "../../core/errors.js";

/** Options every git call gets: plain paths, the standard a/ b/ prefixes, no colour. */
export const GIT_SAFE_OPTIONS = ["-c", "core.quotePath=false", "-c", "diff.noprefix=false", "-c", "color.ui=false"];

/**
 * Runs git and streams stdout split on one byte (NUL for `-z` output, a newline for patches): never on "\r",
 * which a changed line may hold. A failing git becomes a RampartError with git's own words.
 */
export async function* gitRecords(cwd: string, args: string[], separator: 0 | 10): AsyncGenerator<Buffer> {
  const child = spawn("git", [...GIT_SAFE_OPTIONS, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString("utf8")).slice(-4000)));
  const exited = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? 1)));
  const failedToStart = new Promise<never>((_, reject) =>
    child.on("error", (e) => reject(new RampartError(`cannot run git (${e.message}); install git and retry`))),
  );
  failedToStart.catch(() => undefined);
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    let data = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    let at = data.indexOf(separator);
    while (at !== -1) {
      yield data.subarray(0, at);
      data = data.subarray(at + 1);
      at = data.indexOf(separator);
    }
    rest = Buffer.from(data);
  }
  if (rest.length > 0) yield rest;
  const code = await Promise.race([exited, failedToStart]);
  if (code !== 0) throw gitError(args, stderr);
}

/** Runs git to completion for a small answer (a revision, a config value). */
export function gitOutput(cwd: string, args: string[], maxBytes = 16 * 1024 * 1024): Buffer {
  const result = spawnSync("git", [...GIT_SAFE_OPTIONS, ...args], { cwd, maxBuffer: maxBytes });
  if (result.error) throw new RampartError(`cannot run git (${result.error.message}); install git and retry`);
  if (result.status !== 0) throw gitError(args, result.stderr.toString("utf8"));
  return result.stdout;
}

function gitError(args: string[], stderr: string): RampartError {
  const said = stderr.trim().split("\n").slice(-2).join(" ");
  if (/not a git repository/i.test(said))
    return new RampartError("not a git repository; run this inside a clone, or scan files without --diff/--staged/--git-history");
  if (/unknown revision|bad revision|ambiguous argument|no merge base|not a valid object name/i.test(said)) {
    return new RampartError(
      `git cannot find the revision for "git ${args.filter((a) => !a.startsWith("-")).join(" ")}" (${said}); fetch it first, e.g. git fetch origin main, and in shallow CI clones use fetch-depth: 0`,
    );
  }
  return new RampartError(`git ${args[0]} failed: ${said}`);
}
