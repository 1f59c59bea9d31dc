import { createRequire } from "node:module";
import type { Ajv, ValidateFunction } from "ajv";
import { RampartError } from "./errors.js";
import type { GitHubClient } from "./github-client.js";

/** The part of a response body Rampart reads, as JSON Schema; everything else GitHub sends is ignored. */
export type Shape = Record<string, unknown>;

const require = createRequire(import.meta.url);
let ajv: Ajv | undefined;
const compiled = new WeakMap<Shape, ValidateFunction>();
/** Link-header pages followed at most, so a server that always says "next" cannot keep a run going forever. */
const MAX_PAGES = 1000;

function validatorOf(shape: Shape): ValidateFunction {
  const cached = compiled.get(shape);
  if (cached) return cached;
  if (!ajv) {
    const { Ajv: AjvClass } = require("ajv") as typeof import("ajv");
    ajv = new AjvClass({ allErrors: false, strict: false, allowUnionTypes: true });
  }
  const validate = ajv.compile(shape);
  compiled.set(shape, validate);
  return validate;
}

/** Fails with a message naming the endpoint when a body is not what GitHub documents. */
export function checkShape<T>(data: unknown, shape: Shape, endpoint: string): T {
  const validate = validatorOf(shape);
  if (validate(data)) return data as T;
  const e = validate.errors?.[0];
  const where = e?.instancePath ? ` at ${e.instancePath}` : "";
  const got =
    data === null
      ? "null"
      : typeof data === "string"
        ? data === ""
          ? "an empty body"
          : "text that is not JSON"
        : `${where ? "a value that " : "a body that "}${e?.message ?? "does not match"}`;
  throw new RampartError(
    `GitHub answered ${endpoint} with ${got}${where}, not what its API documents; check --api-url points at the GitHub REST API (or GHES /api/v3) and retry`,
    { code: "RAMPART_GITHUB_SHAPE" },
  );
}

/** One GET, its body checked against `shape`. */
export async function getJson<T>(octokit: GitHubClient, route: string, params: Record<string, unknown>, shape: Shape): Promise<T> {
  const response = await octokit.request(route, params);
  return checkShape<T>(response.data, shape, endpointOf(response.url, route));
}

/**
 * Every page of a list endpoint, following GitHub's Link header. Each page must be an array of `itemShape`
 * (Octokit's own paginate would throw a JS error on a null or object body). Next links leave the API's origin never.
 */
export async function listAll<T>(octokit: GitHubClient, route: string, params: Record<string, unknown>, itemShape: Shape): Promise<T[]> {
  const pageShape = { type: "array", items: itemShape };
  const items: T[] = [];
  let response = await octokit.request(route, { per_page: 100, ...params });
  for (let page = 1; ; page++) {
    items.push(...checkShape<T[]>(response.data, pageShape, endpointOf(response.url, route)));
    const next = nextLink(response.headers.link, response.url);
    if (!next || page >= MAX_PAGES) return items;
    response = await octokit.request({ method: "GET", url: next });
  }
}

function nextLink(link: string | undefined, current: string): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(",")) {
    const m = /^\s*<([^>]*)>\s*;\s*rel="next"\s*$/.exec(part);
    if (!m) continue;
    try {
      const next = new URL(m[1]!, current);
      if (next.origin === new URL(current).origin) return next.toString();
    } catch {
      // an unparsable link is reported below like a foreign one
    }
    throw new RampartError(`GitHub's next-page link for ${current} is not on the API's own host; stopped rather than send the token elsewhere`, {
      code: "RAMPART_GITHUB_SHAPE",
    });
  }
  return undefined;
}

function endpointOf(url: string | undefined, route: string): string {
  try {
    return `${route.split(" ")[0]} ${decodeURIComponent(new URL(url ?? "").pathname)}`;
  } catch {
    return route;
  }
}
