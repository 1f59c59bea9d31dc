import type { IncomingMessage, ServerResponse } from "node:http";
import { type AccessEvent, AUTH_RESULTS, type AuthResult } from "./event.js";
import { FIELD_PREFIX, prefixOf } from "./field-bounds.js";

/** What the application may add to an event: identity and why auth failed. */
export interface Enrichment {
  principal?: string;
  tenant?: string;
  auth?: AuthResult;
  route?: string;
  /** The object the request addressed (counted by object-enumeration instead of ids in the path). */
  object?: string;
  /** The tenant owning that object, for cross-tenant. */
  objectTenant?: string;
  /** The status the rules should see, e.g. 404 for an SPA's catch-all page answered to an unknown API path. */
  status?: number;
}
export type Enrich = (req: IncomingMessage, res: ServerResponse) => Enrichment | undefined;

/** Builds the access event of a finished request. */
export function accessEventFrom(req: IncomingMessage, res: ServerResponse, ip: string, enrich?: Enrich, early?: Enrichment, at = Date.now()): AccessEvent {
  const event: AccessEvent = {
    time: isoTime(at),
    ip,
    method: req.method ?? "GET",
    path: prefixOf((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? "/", FIELD_PREFIX.path),
    status: res.statusCode,
  };
  // Later sources win: what was known up front, then res.locals.rampart, then the enrich hook. Each field is
  // taken from the first well-formed source, checked straight from the sources (this runs for every request).
  const hooked = enrich ? asEnrichment(enrich(req, res)) : undefined;
  const locals = asEnrichment((res as ServerResponse & { locals?: { rampart?: unknown } }).locals?.rampart);
  const known = asEnrichment(early);
  const auth = authOf(hooked) ?? authOf(locals) ?? authOf(known) ?? inferAuth(req, res.statusCode);
  if (auth !== undefined) event.auth = auth;
  const route = textOf(hooked?.route) ?? textOf(locals?.route) ?? textOf(known?.route) ?? expressRoute(req);
  if (route) event.route = prefixOf(route, FIELD_PREFIX.identity);
  const principal = textOf(hooked?.principal) ?? textOf(locals?.principal) ?? textOf(known?.principal);
  if (principal) event.principal = prefixOf(principal, FIELD_PREFIX.identity);
  const tenant = textOf(hooked?.tenant) ?? textOf(locals?.tenant) ?? textOf(known?.tenant);
  if (tenant) event.tenant = prefixOf(tenant, FIELD_PREFIX.identity);
  const status = hooked?.status ?? locals?.status;
  if (typeof status === "number" && Number.isInteger(status) && status >= 100 && status <= 999) event.status = status;
  const object = textOf(hooked?.object) ?? textOf(locals?.object);
  if (object) event.object = prefixOf(object, FIELD_PREFIX.identity);
  const objectTenant = textOf(hooked?.objectTenant) ?? textOf(locals?.objectTenant);
  if (objectTenant) event.objectTenant = prefixOf(objectTenant, FIELD_PREFIX.identity);
  const ua = req.headers["user-agent"];
  if (ua) event.userAgent = prefixOf(ua, FIELD_PREFIX.userAgent);
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
  if (status === 403) return "forbidden";
  if (status !== 401) return undefined;
  // Only a 401 asks whether credentials were sent: no header reads for the usual answer.
  return req.headers.authorization || req.headers["x-api-key"] ? "invalid" : "missing";
}

/** An application-supplied enrichment, if it is an object at all (anything else is ignored). */
function asEnrichment(value: unknown): Enrichment | undefined {
  return value && typeof value === "object" ? (value as Enrichment) : undefined;
}

/** A string field as given; other types are malformed and ignored. */
function textOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The auth result, when it is one of the known values. */
function authOf(source: Enrichment | undefined): AuthResult | undefined {
  const auth = source?.auth;
  return auth && AUTH_RESULTS.includes(auth) ? auth : undefined;
}

function expressRoute(req: IncomingMessage): string | undefined {
  const r = req as IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };
  if (typeof r.route?.path !== "string") return undefined;
  return r.baseUrl ? r.baseUrl + r.route.path : r.route.path;
}
