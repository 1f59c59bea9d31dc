import type { Command } from "commander";
import { durationMs } from "../../core/duration.js";
import { UsageError } from "../../core/errors.js";
import { createGitHubClient, DEFAULT_MAX_WAIT_SECONDS, DEFAULT_TIMEOUT_MS, type GitHubClient } from "../../core/github-client.js";
import type { CliIo } from "../io.js";

/** Flags every command that talks to GitHub takes, as commander hands them over. */
export interface GitHubFlags {
  apiUrl?: string;
  timeout: string;
  maxWait: string;
}

/** Declares the network limits on a command, so audit, metrics and serve-metrics word them alike. */
export function withGitHubLimits(command: Command): Command {
  return command
    .option(
      "--timeout <duration>",
      "give up on a GitHub request with no complete answer after this long (e.g. 30s; a bare number is seconds)",
      `${DEFAULT_TIMEOUT_MS / 1000}s`,
    )
    .option(
      "--max-wait <duration>",
      "longest rate-limit pause to wait out (e.g. 10m); a longer one ends the run naming the reset time",
      `${DEFAULT_MAX_WAIT_SECONDS}s`,
    );
}

export function gitHubClientFor(flags: GitHubFlags, io: CliIo): GitHubClient {
  return createGitHubClient({
    env: io.env,
    ...(flags.apiUrl ? { baseUrl: flags.apiUrl } : {}),
    timeoutMs: seconds(flags.timeout, "--timeout", 1) * 1000,
    maxWaitSeconds: seconds(flags.maxWait, "--max-wait", 0),
    onWait: (m) => io.stderr.write(`rampart: ${m}\n`),
  });
}

/** A duration (`30s`, `2m`) or, as these flags took before, a bare number of seconds; at most a day. */
function seconds(value: string, flag: string, min: number): number {
  const ms = /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) * 1000 : durationMs(value);
  if (ms === undefined || ms < min * 1000 || ms > 86_400_000)
    throw new UsageError(`${flag} takes a duration from ${min}s to 24h like 30s or 10m (a bare number is seconds), not "${value}"`);
  return ms / 1000;
}
