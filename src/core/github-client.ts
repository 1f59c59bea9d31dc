import { Octokit } from "@octokit/rest";
import { throttling } from "@octokit/plugin-throttling";
import { retry } from "@octokit/plugin-retry";
import { RampartError, UsageError } from "./errors.js";

const RampartOctokit = Octokit.plugin(throttling, retry);
/** The plugins add behaviour, not methods, so callers see a plain Octokit. */
export type GitHubClient = Octokit;

export interface GitHubClientOptions {
  /** From `--api-url`, else GITHUB_API_URL (set by Actions, also for GitHub Enterprise). */
  baseUrl?: string;
  token?: string;
  env?: NodeJS.ProcessEnv;
  /** Called when a rate limit is being waited out, so long runs can say why they pause. */
  onWait?: (message: string) => void;
  /** Primary/secondary rate limits are retried this many times before the request fails. */
  maxRateLimitRetries?: number;
}

/** The only place an Octokit is built: throttling waits out rate limits, retry covers 5xx blips. */
export function createGitHubClient(options: GitHubClientOptions = {}): GitHubClient {
  const env = options.env ?? process.env;
  const baseUrl = options.baseUrl ?? env.GITHUB_API_URL ?? "https://api.github.com";
  const token = options.token ?? env.GITHUB_TOKEN ?? env.GH_TOKEN;
  const maxRetries = options.maxRateLimitRetries ?? 3;
  const say = options.onWait ?? (() => {});
  assertUrl(baseUrl);
  const client: Octokit = new RampartOctokit({
    baseUrl: baseUrl.replace(/\/+$/, ""),
    ...(token ? { auth: token } : {}),
    userAgent: "rampart",
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    throttle: {
      onRateLimit: (retryAfter: number, request: { method: string; url: string }, _o: unknown, retryCount: number) => {
        say(`rate limit on ${request.method} ${request.url}; waiting ${retryAfter}s`);
        return retryCount < maxRetries;
      },
      onSecondaryRateLimit: (retryAfter: number, request: { method: string; url: string }, _o: unknown, retryCount: number) => {
        say(`secondary rate limit on ${request.method} ${request.url}; waiting ${retryAfter}s`);
        return retryCount < maxRetries;
      },
    },
    retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 451] },
  });
  return client;
}

function assertUrl(baseUrl: string): void {
  try {
    new URL(baseUrl);
  } catch {
    throw new UsageError(`GitHub API URL "${baseUrl}" is not a URL; pass --api-url https://api.github.com or your GHES URL ending in /api/v3`);
  }
}

/** Turns an Octokit failure into a message that says what to check; `what` names the thing that was asked for. */
export function gitHubError(error: unknown, what: string): RampartError {
  const e = error as { status?: number; message?: string };
  if (e.status === 401) return new RampartError("GitHub rejected the token (401); check GITHUB_TOKEN is valid and not expired");
  if (e.status === 404) return new RampartError(`GitHub has no ${what} visible to this token (404); check the name and the token's access`);
  if (e.status === 403) return new RampartError(`GitHub refused access to the ${what} (403: ${e.message ?? "forbidden"}); check the token's permissions`);
  return new RampartError(`could not reach the GitHub API (${e.message ?? String(error)}); check --api-url / GITHUB_API_URL and the network`);
}
