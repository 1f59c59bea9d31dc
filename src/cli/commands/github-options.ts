import type { Command } from "commander";
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
    .option("--timeout <seconds>", "give up on a GitHub request with no complete answer after this long", String(DEFAULT_TIMEOUT_MS / 1000))
    .option("--max-wait <seconds>", "longest rate-limit pause to wait out; a longer one ends the run naming the reset time", String(DEFAULT_MAX_WAIT_SECONDS));
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

function seconds(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > 86_400) throw new UsageError(`${flag} takes a number of seconds from ${min} to 86400, not "${value}"`);
  return n;
}
