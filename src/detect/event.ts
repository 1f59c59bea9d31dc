import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { boundedKey } from "./bounded-key.js";
import { remembered } from "./bounded-memo.js";

/** Why authentication did or did not succeed, as the application reports it. */
export type AuthResult = "ok" | "missing" | "invalid" | "revoked" | "expired" | "forbidden";
export const AUTH_RESULTS: readonly AuthResult[] = ["ok", "missing", "invalid", "revoked", "expired", "forbidden"];

/** One request as every rule sees it: built by the middleware, or parsed from a log by `detect replay`. */
export interface AccessEvent {
  /** ISO 8601 event time; it is the detector's only clock. */
  time: string;
  ip: string;
  method: string;
  path: string;
  /** The status sent; 499 when the client hung up before the response finished. */
  status: number;
  route?: string;
  /** `key:<id>` or `user:<name>`; never a raw secret. */
  principal?: string;
  tenant?: string;
  userAgent?: string;
  auth?: AuthResult;
  durationMs?: number;
  /** The object the request addressed, when the app names it (else object ids are taken from the path). */
  object?: string;
  /** The tenant that owns the object, when the app knows it; `cross-tenant` compares it with `tenant`. */
  objectTenant?: string;
  /** String values of the parsed request body, joined and bounded, with credential-named fields redacted. */
  body?: string;
}

/**
 * The canonical form of an address (ipaddr.js): IPv4-mapped IPv6 in any spelling (`::ffff:1.2.3.4`,
 * `::ffff:102:304`) becomes the IPv4 address, IPv6 is written as RFC 5952 says (lower case, shortest), and
 * brackets and zone ids are dropped. Returns "" for a non-address.
 */
export function normalizeIp(raw: string | undefined): string {
  if (!raw) return "";
  // Every request's peer address goes through here, and the same few keep coming (most often the last one).
  if (raw === lastRawIp) return lastNormalIp;
  const normal = remembered(normalIps, raw, MEMO_CAP, computeNormalIp);
  lastRawIp = raw;
  lastNormalIp = normal;
  return normal;
}

let lastRawIp = "";
let lastNormalIp = "";

function computeNormalIp(raw: string): string {
  // The longest address with brackets and a zone id is far shorter: anything longer is not one.
  if (raw.length > 64) return "";
  let ip = raw.trim();
  if (ip.startsWith("[") && ip.includes("]")) ip = ip.slice(1, ip.indexOf("]"));
  const zone = ip.indexOf("%");
  if (zone >= 0) ip = ip.slice(0, zone);
  // node's check is strict (no octal or short IPv4 forms, which ipaddr.js would accept).
  if (isIP(ip) === 0) return "";
  const address = ipaddr.process(ip);
  return address.kind() === "ipv6" ? (address as ipaddr.IPv6).toRFC5952String() : address.toString();
}

/**
 * The key a source is counted under: an IPv4 address as is, an IPv6 address by its /64 (one customer
 * usually holds a whole /64, so counting single IPv6 addresses lets an attacker rotate for free).
 */
export function sourceKey(ip: string): string {
  return remembered(sourceKeys, ip, MEMO_CAP, computeSourceKey);
}

function computeSourceKey(ip: string): string {
  const normal = normalizeIp(ip);
  // Not an address (a log line's garbage): counted under its bounded form, never its raw length.
  if (isIP(normal) !== 6) return normal || boundedKey(ip);
  const parts = (ipaddr.parse(normal) as ipaddr.IPv6).parts;
  return [...parts.slice(0, 4).map((p) => p.toString(16)), ":/64"].join(":");
}

/** The network a source belongs to: IPv4 /24, IPv6 /64. Used to tell "many networks" from "many addresses". */
export function networkKey(ip: string): string {
  return remembered(networkKeys, ip, MEMO_CAP, computeNetworkKey);
}

function computeNetworkKey(ip: string): string {
  const normal = normalizeIp(ip);
  if (isIP(normal) === 4) return [...normal.split(".").slice(0, 3), "0/24"].join(".");
  return sourceKey(normal);
}

/**
 * Every event asks for these keys, and the same few addresses keep coming: remember recent answers. Bounded
 * (cleared when full), so an address spray costs recomputation, never memory.
 */
const MEMO_CAP = 4096;
const normalIps = new Map<string, string>();
const sourceKeys = new Map<string, string>();
const networkKeys = new Map<string, string>();

export function isAccessEvent(value: unknown): value is AccessEvent {
  if (typeof value !== "object" || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.time === "string" &&
    !Number.isNaN(Date.parse(e.time)) &&
    typeof e.ip === "string" &&
    typeof e.method === "string" &&
    typeof e.path === "string" &&
    typeof e.status === "number"
  );
}
