import type { IncomingMessage, ServerResponse } from "node:http";
import { AUTH_RESULTS, type AccessEvent, type AuthResult } from "./event.js";

/** What the application may add to an event: identity and why auth failed. */
export interface Enrichment {
  principal?: string;
  tenant?: string;
  auth?: AuthResult;
  route?: string;
}
export type Enrich = (req: IncomingMessage, res: ServerResponse) => Enrichment | undefined;

const MAX_PATH = 2048;
const MAX_UA = 512;

/** Builds the access event of a finished request. */
export function accessEventFrom(req: IncomingMessage, res: ServerResponse, ip: string, enrich?: Enrich, early: Enrichment = {}, at = Date.now()): AccessEvent {
  const event: AccessEvent = {
    time: isoTime(at),
    ip,
    method: req.method ?? "GET",
    path: ((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? "/").slice(0, MAX_PATH),
    status: res.statusCode,
  };
  // Later sources win: what was known up front, then res.locals.rampart, then the enrich hook. Each is
  // checked field by field straight into the event (this runs for every request).
  const extra: Enrichment = {};
  applyEnrichment(extra, early);
  applyEnrichment(extra, (res as ServerResponse & { locals?: { rampart?: Enrichment } }).locals?.rampart);
  if (enrich) applyEnrichment(extra, enrich(req, res));
  const auth = extra.auth ?? inferAuth(req, res.statusCode);
  if (auth !== undefined) event.auth = auth;
  const route = extra.route ?? expressRoute(req);
  if (route) event.route = route;
  if (extra.principal) event.principal = extra.principal;
  if (extra.tenant) event.tenant = extra.tenant;
  const ua = req.headers["user-agent"];
  if (ua) event.userAgent = ua.slice(0, MAX_UA);
  return event;
}

let lastSecond = Number.NaN;
let secondPrefix = "";
/** "000Z" … "999Z": the millisecond tails, built once. */
const MILLIS = Array.from({ length: 1000 }, (_, ms) => `${String(ms).padStart(3, "0")}Z`);

/**
 * ISO 8601 time of a request. Formatting a Date per request showed in profiles: the date and time up to
 * the second are formatted once per second, the milliseconds come from a table.
 */
function isoTime(at: number): string {
  const second = Math.floor(at / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    secondPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  return secondPrefix + MILLIS[at - second * 1000]!;
}

/** When the app says nothing: a 401 with credentials is `invalid`, without is `missing`; 403 is `forbidden`. */
function inferAuth(req: IncomingMessage, status: number): AuthResult | undefined {
  const sentCredentials = Boolean(req.headers.authorization || req.headers["x-api-key"]);
  if (status === 401) return sentCredentials ? "invalid" : "missing";
  if (status === 403) return "forbidden";
  return undefined;
}

/** Copies the well-formed fields of an application-supplied enrichment (anything else is ignored). */
function applyEnrichment(into: Enrichment, value: Enrichment | undefined): void {
  if (!value || typeof value !== "object") return;
  if (typeof value.principal === "string") into.principal = value.principal.slice(0, 256);
  if (typeof value.tenant === "string") into.tenant = value.tenant.slice(0, 256);
  if (typeof value.route === "string") into.route = value.route;
  if (value.auth && AUTH_RESULTS.includes(value.auth)) into.auth = value.auth;
}

function expressRoute(req: IncomingMessage): string | undefined {
  const r = req as IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };
  if (typeof r.route?.path !== "string") return undefined;
  return r.baseUrl ? r.baseUrl + r.route.path : r.route.path;
}
