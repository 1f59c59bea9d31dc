import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { RampartError } from "../../core/errors.js";

const SAFE = ["-c", "core.quotePath=false", "-c", "diff.noprefix=false", "-c", "color.ui=false"];

/** Runs git and streams stdout line by line; a failing git becomes a RampartError with git's own words. */
export async function* gitLines(cwd: string, args: string[]): AsyncGenerator<string> {
  const child = spawn("git", [...SAFE, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")).slice(-4000));
  const exited = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? 1)));
  const failedToStart = new Promise<never>((_, reject) => child.on("error", (e) => reject(new RampartError(`cannot run git (${e.message}); install git and retry`))));
  for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) yield line;
  const code = await Promise.race([exited, failedToStart]);
  if (code !== 0) throw gitError(args, stderr);
}

/** Runs git to completion for a small answer (a file's content, a ref check). */
export function gitOutput(cwd: string, args: string[], maxBytes = 16 * 1024 * 1024): Buffer {
  const result = spawnSync("git", [...SAFE, ...args], { cwd, maxBuffer: maxBytes });
  if (result.error) throw new RampartError(`cannot run git (${result.error.message}); install git and retry`);
  if (result.status !== 0) throw gitError(args, result.stderr.toString("utf8"));
  return result.stdout;
}

function gitError(args: string[], stderr: string): RampartError {
  const said = stderr.trim().split("\n").slice(-2).join(" ");
  if (/not a git repository/i.test(said)) return new RampartError("not a git repository; run this inside a clone, or scan files without --diff/--staged/--git-history");
  if (/unknown revision|bad revision|ambiguous argument|no merge base|not a valid object name/i.test(said)) {
    return new RampartError(`git cannot find the revision for "git ${args.filter((a) => !a.startsWith("-")).join(" ")}" (${said}); fetch it first, e.g. git fetch origin main, and in shallow CI clones use fetch-depth: 0`);
  }
  return new RampartError(`git ${args[0]} failed: ${said}`);
}
