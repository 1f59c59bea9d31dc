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
  const locals = (res as ServerResponse & { locals?: { rampart?: Enrichment } }).locals?.rampart;
  const extra = enrich ? { ...early, ...cleanEnrichment(locals), ...cleanEnrichment(enrich(req, res)) } : locals ? mergeEnrichment(early, cleanEnrichment(locals)) : early;
  const route = extra.route ?? expressRoute(req);
  const event: AccessEvent = {
    time: isoTime(at),
    ip,
    method: req.method ?? "GET",
    path: ((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? "/").slice(0, MAX_PATH),
    status: res.statusCode,
  };
  const auth = extra.auth ?? inferAuth(req, res.statusCode);
  if (auth !== undefined) event.auth = auth;
  if (route) event.route = route;
  if (extra.principal) event.principal = extra.principal;
  if (extra.tenant) event.tenant = extra.tenant;
  const ua = req.headers["user-agent"];
  if (ua) event.userAgent = ua.slice(0, MAX_UA);
  return event;
}

let lastAt = Number.NaN;
let lastIso = "";

/** Busy servers finish many requests in the same millisecond: format each millisecond once. */
function isoTime(at: number): string {
  if (at !== lastAt) {
    lastAt = at;
    lastIso = new Date(at).toISOString();
  }
  return lastIso;
}

function mergeEnrichment(early: Enrichment, late: Enrichment): Enrichment {
  if (early.principal === undefined && early.tenant === undefined && early.route === undefined && early.auth === undefined) return late;
  return { ...early, ...late };
}

/** When the app says nothing: a 401 with credentials is `invalid`, without is `missing`; 403 is `forbidden`. */
function inferAuth(req: IncomingMessage, status: number): AuthResult | undefined {
  const sentCredentials = Boolean(req.headers.authorization || req.headers["x-api-key"]);
  if (status === 401) return sentCredentials ? "invalid" : "missing";
  if (status === 403) return "forbidden";
  return undefined;
}

function cleanEnrichment(value: Enrichment | undefined): Enrichment {
  if (!value || typeof value !== "object") return {};
  const out: Enrichment = {};
  if (typeof value.principal === "string") out.principal = value.principal.slice(0, 256);
  if (typeof value.tenant === "string") out.tenant = value.tenant.slice(0, 256);
  if (typeof value.route === "string") out.route = value.route;
  if (value.auth && AUTH_RESULTS.includes(value.auth)) out.auth = value.auth;
  return out;
}

function expressRoute(req: IncomingMessage): string | undefined {
  const r = req as IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };
  return typeof r.route?.path === "string" ? `${r.baseUrl ?? ""}${r.route.path}` : undefined;
}
