import { redactSecretsInText } from "../scan/redact-text.js";
import { RampartError } from "./errors.js";
import { redactKnownSecrets } from "./redact.js";

/** Why a GitHub request failed, told apart so each gets the right advice (not always "the token needs …"). */
export type FailureKind = "unauthorized" | "permission" | "plan" | "rate-limit" | "branch-missing" | "not-found" | "gone" | "timeout" | "server" | "network";

export interface GitHubFailure {
  kind: FailureKind;
  /** HTTP status, 0 when no answer came. */
  status: number;
  /** `GET /repos/acme/api/keys`, without host or query. */
  endpoint: string;
  /** GitHub's own message, redacted (an error body may echo the Authorization header). */
  detail: string;
  /** What the call needed, from `x-accepted-github-permissions` / `x-accepted-oauth-scopes`, when GitHub said. */
  needs?: string;
  /** When a rate limit ends. */
  resetAt?: Date;
}

interface OctokitLikeError {
  status?: number;
  message?: string;
  request?: { method?: string; url?: string };
  response?: { headers?: Record<string, string | undefined>; data?: unknown };
}

const tokens = new Set<string>();

/** Tokens the client was built with: they are cut out of every error text, whatever the server echoes. */
export function rememberToken(token: string | undefined): void {
  if (token) tokens.add(token);
}

/** Removes the client's tokens, anything after an auth scheme, and every secret the scanner knows from API text. */
export function redactApiText(text: string): string {
  const known = redactKnownSecrets(text, tokens);
  const schemes = known.replace(/\b(bearer|token|basic)([ \t]+)[A-Za-z0-9_\-.~+/=:]{8,}/gi, "$1$2[redacted]");
  return redactSecretsInText(schemes);
}

export function failureOf(error: unknown): GitHubFailure {
  const e = (error ?? {}) as OctokitLikeError;
  const status = typeof e.status === "number" ? e.status : 0;
  const headers = e.response?.headers ?? {};
  const detail = redactApiText(messageOf(e).slice(0, 300));
  const base = { status, endpoint: endpointOf(e), detail };
  if (status === 599) return { ...base, kind: "timeout" };
  if (status === 401) return { ...base, kind: "unauthorized" };
  if ((status === 403 || status === 429) && (headers["x-ratelimit-remaining"] === "0" || /rate limit/i.test(detail)))
    return { ...base, kind: "rate-limit", resetAt: resetOf(headers) };
  if (status === 403 && /upgrade to github pro|make this repository public|not available for this repository/i.test(detail)) return { ...base, kind: "plan" };
  if (status === 404 && /branch not found/i.test(detail)) return { ...base, kind: "branch-missing" };
  if (status === 410) return { ...base, kind: "gone" };
  if (status === 404) return { ...base, kind: "not-found" };
  if (status === 403 || status === 422) return { ...base, kind: "permission", ...needsOf(headers) };
  if (status >= 500 && e.response) return { ...base, kind: "server" };
  return { ...base, kind: "network" };
}

/** One sentence with the cause and the next step. `fallbackNeeds` is what our rules say the call needs. */
export function describeFailure(f: GitHubFailure, fallbackNeeds?: string): string {
  switch (f.kind) {
    case "permission":
      return `HTTP ${f.status} on ${f.endpoint}: ${f.detail}; the token needs ${f.needs ?? fallbackNeeds ?? "more access to it"}`;
    case "plan":
      return `HTTP 403 on ${f.endpoint}: ${f.detail} (a limit of the repository's plan, not of the token)`;
    case "rate-limit":
      return `GitHub's rate limit is used up until ${f.resetAt ? f.resetAt.toISOString().replace(/\.\d+Z$/, "Z") : "an unknown time"}, longer than --max-wait allows; rerun after that, or raise --max-wait`;
    case "branch-missing":
      return `HTTP 404 on ${f.endpoint}: branch not found (an empty repository has no default branch yet)`;
    case "not-found":
      return `HTTP 404 on ${f.endpoint}: not found, or not visible to this token; check the name and the token's access`;
    case "gone":
      return `HTTP 410 on ${f.endpoint}: deleted`;
    case "timeout":
      return `no complete answer from ${f.endpoint} in time (${f.detail}); check --api-url and the network, or raise --timeout`;
    case "unauthorized":
      return "GitHub rejected the token (401); check GITHUB_TOKEN is valid and not expired";
    case "server":
      return `HTTP ${f.status} on ${f.endpoint}: GitHub had an internal error; retry later`;
    default:
      return `could not reach ${f.endpoint} (${f.detail}); check --api-url / GITHUB_API_URL and the network`;
  }
}

function messageOf(e: OctokitLikeError): string {
  const data = e.response?.data as { message?: unknown } | undefined;
  if (data && typeof data === "object" && typeof data.message === "string") return data.message;
  return typeof e.message === "string" ? e.message.replace(/ - https:\/\/docs\.github\.com\S*$/, "") : "no message";
}

function endpointOf(e: OctokitLikeError): string {
  const url = e.request?.url;
  if (!url) return "the GitHub API";
  try {
    return `${e.request?.method ?? "GET"} ${decodeURIComponent(new URL(url).pathname)}`;
  } catch {
    return `${e.request?.method ?? "GET"} ${url}`;
  }
}

function needsOf(headers: Record<string, string | undefined>): { needs?: string } {
  const fine = headers["x-accepted-github-permissions"]?.trim();
  const classic = headers["x-accepted-oauth-scopes"]?.trim();
  const parts = [fine && `${fine} (fine-grained)`, classic && `${classic} (classic)`].filter(Boolean);
  return parts.length > 0 ? { needs: parts.join(" or ") } : {};
}

function resetOf(headers: Record<string, string | undefined>): Date | undefined {
  const reset = Number(headers["x-ratelimit-reset"]);
  if (Number.isFinite(reset) && reset > 0) return new Date(reset * 1000);
  const after = Number(headers["retry-after"]);
  return Number.isFinite(after) && after >= 0 ? new Date(Date.now() + after * 1000) : undefined;
}

/** Turns an Octokit failure into a message that says what to check; `what` names the thing that was asked for. */
export function gitHubError(error: unknown, what: string): RampartError {
  if (error instanceof RampartError) return error;
  const failure = failureOf(error);
  if (failure.kind === "unauthorized") return new RampartError("GitHub rejected the token (401); check GITHUB_TOKEN is valid and not expired");
  if (failure.kind === "network")
    return new RampartError(`could not reach the GitHub API (${failure.detail}); check --api-url / GITHUB_API_URL and the network`);
  return new RampartError(`GitHub could not give the ${what}: ${describeFailure(failure)}`);
}
