import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import { UsageError } from "./errors.js";
import { rememberToken } from "./github-failure.js";

const RampartOctokit = Octokit.plugin(throttling, retry);
/** The plugins add behaviour, not methods, so callers see a plain Octokit. */
export type GitHubClient = Octokit;

/** Requests that get no complete answer in this time fail instead of hanging the run. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Rate-limit pauses longer than this end the run with the reset time instead of waiting. */
export const DEFAULT_MAX_WAIT_SECONDS = 300;
/**
 * Status our fetch wrapper answers with when GitHub stays silent. Not a real HTTP status, so it can be excluded
 * from retries without also excluding GitHub's own 5xx answers, which deserve a retry.
 */
export const TIMEOUT_STATUS = 599;

export interface GitHubClientOptions {
  /** From `--api-url`, else GITHUB_API_URL (set by Actions, also for GitHub Enterprise). */
  baseUrl?: string;
  token?: string;
  env?: NodeJS.ProcessEnv;
  /** Called when a rate limit is being waited out, so long runs can say why they pause. */
  onWait?: (message: string) => void;
  /** Primary/secondary rate limits are retried this many times before the request fails. */
  maxRateLimitRetries?: number;
  /** Per request, headers and body together. */
  timeoutMs?: number;
  /** The longest rate-limit pause the run accepts (`--max-wait`). */
  maxWaitSeconds?: number;
}

/** The only place an Octokit is built: throttling waits out rate limits (up to a bound), retry covers 5xx blips. */
export function createGitHubClient(options: GitHubClientOptions = {}): GitHubClient {
  const env = options.env ?? process.env;
  const baseUrl = options.baseUrl ?? env.GITHUB_API_URL ?? "https://api.github.com";
  const token = options.token ?? env.GITHUB_TOKEN ?? env.GH_TOKEN;
  const maxRetries = options.maxRateLimitRetries ?? 3;
  const maxWait = options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS;
  const say = options.onWait ?? (() => {});
  assertUrl(baseUrl);
  rememberToken(token);
  const waitOrGiveUp = (kind: string) => (retryAfter: number, request: { method: string; url: string }, _o: unknown, retryCount: number) => {
    if (retryAfter > maxWait) return false; // the 403/429 then surfaces and names the reset time
    say(`${kind} on ${request.method} ${request.url}; waiting ${retryAfter}s`);
    return retryCount < maxRetries;
  };
  const client: Octokit = new RampartOctokit({
    baseUrl: withoutTrailingSlashes(baseUrl),
    ...(token ? { auth: token } : {}),
    userAgent: "rampart",
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    request: { fetch: fetchWithTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) },
    throttle: { onRateLimit: waitOrGiveUp("rate limit"), onSecondaryRateLimit: waitOrGiveUp("secondary rate limit") },
    retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 451, TIMEOUT_STATUS] },
  });
  return client;
}

/**
 * Reads the whole answer (headers and body) within `ms`. A silent server becomes a synthetic TIMEOUT_STATUS
 * answer rather than an exception, so Octokit reports it like any failed request and the retry plugin skips it.
 */
function fetchWithTimeout(ms: number): typeof fetch {
  return async (input, init) => {
    const signal = AbortSignal.timeout(ms);
    try {
      const response = await fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
      const body = await response.arrayBuffer();
      const whole = new Response(response.status === 204 || response.status === 304 ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
      return Object.defineProperty(whole, "url", { value: response.url }); // error messages name the endpoint from it
    } catch (error) {
      if (!signal.aborted) throw error;
      const message = `no complete answer within ${Math.round(ms / 1000)} s`;
      return new Response(JSON.stringify({ message }), { status: TIMEOUT_STATUS, headers: { "content-type": "application/json" } });
    }
  };
}

function assertUrl(baseUrl: string): void {
  try {
    new URL(baseUrl);
  } catch {
    throw new UsageError(`GitHub API URL "${baseUrl}" is not a URL; pass --api-url https://api.github.com or your GHES URL ending in /api/v3`);
  }
}

function withoutTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url[end - 1] === "/") end--;
  return url.slice(0, end);
}
