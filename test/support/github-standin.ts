import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect } from "vitest";
import { exampleOf, operationOf, paginates, templateOf, unknownFields } from "./github-description.js";

/**
 * A local HTTP stand-in for the GitHub REST API: real HTTP on loopback, reached through
 * Octokit's baseUrl. Routes are data; pagination, 404s and rate limits behave like GitHub's.
 */
export interface StandinReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
export type StandinHandler = (request: { method: string; url: URL; headers: IncomingMessage["headers"]; body: unknown }) => StandinReply;

export interface StandinRoute {
  method?: string;
  /** Exact path (`/orgs/acme`) or a pattern with `:name` segments (`/repos/:owner/:repo`). */
  path: string;
  reply: StandinHandler | StandinReply;
}

export interface GitHubStandin {
  url: string;
  /** Every request received, in order, as `METHOD /path?query`. */
  requests: string[];
  /** Fields a test's route served that GitHub's description does not have (`GET /repos/{owner}/{repo}/community/profile: /files/security_policy`). */
  violations: string[];
  /** Answer the next matching request with a secondary rate limit (403 + retry-after) once. */
  secondaryRateLimitOnce(pathPrefix: string, retryAfterSeconds?: number): void;
  close(): Promise<void>;
}

export interface StandinOptions {
  /** Answer every GET no route covers with the example response of GitHub's description (paginated where it paginates). */
  described?: boolean;
  /** Answer with headers and then never finish (or never answer at all), to test timeouts. */
  silent?: "headers" | "all";
}

/**
 * One stand-in per test: the returned function starts it (closing any earlier one of the same test), and after
 * each test it is closed and the test fails if a fixture served a field GitHub's description does not have.
 */
export function standinPerTest(): (routes: StandinRoute[], options?: StandinOptions) => Promise<GitHubStandin> {
  let running: GitHubStandin[] = [];
  afterEach(async () => {
    const stopped = running;
    running = [];
    await Promise.all(stopped.map((s) => s.close()));
    expect(
      stopped.flatMap((s) => s.violations),
      "a fixture served a field GitHub's description does not have",
    ).toEqual([]);
  });
  return async (routes, options) => {
    const standin = await startGitHubStandin(routes, options);
    running.push(standin);
    return standin;
  };
}

export async function startGitHubStandin(routes: StandinRoute[], options: StandinOptions = {}): Promise<GitHubStandin> {
  const requests: string[] = [];
  const violations: string[] = [];
  const pendingLimits: Array<{ prefix: string; retryAfter: number }> = [];
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
      const method = req.method ?? "GET";
      requests.push(`${method} ${url.pathname}${url.search}`);
      if (options.silent === "all") return;
      const limit = pendingLimits.findIndex((l) => url.pathname.startsWith(l.prefix));
      const request = { method, url, headers: req.headers, body };
      const routed = limit >= 0 ? undefined : route(routes, request);
      if (routed) violations.push(...schemaViolations(method, url.pathname, routed));
      const reply =
        limit >= 0
          ? secondaryLimitReply(pendingLimits.splice(limit, 1)[0]!.retryAfter)
          : (routed ?? (options.described ? describedReply(request) : notFound()));
      res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", ...reply.headers });
      if (options.silent === "headers") return void res.write("[");
      res.end(reply.body === undefined ? "" : typeof reply.body === "string" && reply.headers?.["x-standin-raw"] ? reply.body : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    violations,
    secondaryRateLimitOnce: (prefix, retryAfter = 1) => void pendingLimits.push({ prefix, retryAfter }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function route(routes: StandinRoute[], request: Parameters<StandinHandler>[0]): StandinReply | undefined {
  for (const r of routes) {
    if ((r.method ?? "GET") !== request.method) continue;
    if (!pathMatches(r.path, request.url.pathname)) continue;
    return typeof r.reply === "function" ? r.reply(request) : r.reply;
  }
  return undefined;
}

/** The description's example for the operation the path belongs to; a 404 where it has none. */
function describedReply(request: Parameters<StandinHandler>[0]): StandinReply {
  const template = templateOf(request.method, request.url.pathname);
  const op = template ? operationOf(request.method, template) : undefined;
  if (!template || !op) return notFound();
  let body: unknown;
  try {
    body = exampleOf(template, undefined, request.method);
  } catch {
    return notFound();
  }
  return Array.isArray(body) && paginates(op) ? paginated(body)(request) : { status: 200, body };
}

/** Success bodies are checked against the description's schema; error bodies are GitHub's generic error shape. */
function schemaViolations(method: string, pathname: string, reply: StandinReply): string[] {
  if (reply.status < 200 || reply.status > 299 || reply.headers?.["x-standin-raw"]) return [];
  const template = templateOf(method, pathname);
  if (!template) return [`${method} ${pathname}: not an operation of GitHub's description`];
  return unknownFields(method, template, reply.status, reply.body).map((p) => `${method} ${template}: ${p}`);
}

function pathMatches(pattern: string, path: string): boolean {
  const a = pattern.split("/");
  const b = path.split("/");
  return a.length === b.length && a.every((seg, i) => seg.startsWith(":") || seg === b[i]);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return undefined;
  }
}

export function notFound(): StandinReply {
  return { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } };
}

export function forbidden(message = "Resource not accessible by integration"): StandinReply {
  return { status: 403, body: { message, documentation_url: "https://docs.github.com/rest" } };
}

function secondaryLimitReply(retryAfter: number): StandinReply {
  return {
    status: 403,
    headers: { "retry-after": String(retryAfter) },
    body: {
      message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
    },
  };
}

/** Serves `items` page by page like GitHub: `per_page` (default 30, max 100; tests lower the max to force pages), `page`, and a Link header. */
export function paginated(items: unknown[], defaultPerPage = 30, maxPerPage = 100): StandinHandler {
  return ({ url }) => {
    const perPage = Math.min(maxPerPage, Number(url.searchParams.get("per_page") ?? defaultPerPage));
    const page = Math.max(1, Number(url.searchParams.get("page") ?? 1));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const body = items.slice((page - 1) * perPage, page * perPage);
    const link = (p: number, rel: string) => {
      const next = new URL(url.toString());
      next.searchParams.set("page", String(p));
      next.searchParams.set("per_page", String(perPage));
      return `<${next.toString()}>; rel="${rel}"`;
    };
    const links = [
      page < last ? link(page + 1, "next") : "",
      link(last, "last"),
      page > 1 ? link(1, "first") : "",
      page > 1 ? link(page - 1, "prev") : "",
    ].filter(Boolean);
    return { status: 200, body, headers: { link: links.join(", ") } };
  };
}
