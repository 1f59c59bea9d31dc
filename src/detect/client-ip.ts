import proxyaddr from "proxy-addr";
import { normalizeIp } from "./event.js";

/**
 * Which peers may tell us the client's address, as Express's `trust proxy` setting (proxy-addr). `false` (the
 * default): only the TCP peer counts and every forwarding header is ignored. A list: addresses, CIDRs or the
 * keywords `loopback`, `linklocal`, `uniquelocal` (alias `private`) of your proxies. A number: that many proxy
 * hops in front of the app. `true`: every hop (only behind a proxy that overwrites the header).
 */
export type TrustProxy = boolean | number | string | string[];

/** The header your trusted proxies write the client chain into. Only that header is ever read. */
export type ForwardedHeader = "x-forwarded-for" | "forwarded";

export interface ClientAddressInput {
  peer: string | undefined;
  forwardedFor?: string | string[] | undefined;
  forwarded?: string | string[] | undefined;
}

const KEYWORD_ALIASES: Record<string, string> = { private: "uniquelocal" };

/**
 * Builds the function that picks the client address from the TCP peer and the configured forwarding header,
 * with proxy-addr's walk (the one Express uses for `req.ip`): from the peer outwards, each hop is believed
 * only while the hop that reported it is trusted. Entries are normalised first (ports stripped, brackets
 * removed), and the answer is canonical (`::ffff:102:304` is 1.2.3.4; IPv6 in RFC 5952 form).
 */
export function clientAddressResolver(trust: TrustProxy = false, header: ForwardedHeader = "x-forwarded-for"): (input: ClientAddressInput) => string {
  if (trust === false) return (input) => normalizeIp(input.peer) || "unknown";
  const isTrusted = trustCheck(trust);
  return (input) => {
    const peer = normalizeIp(input.peer);
    const chain = header === "forwarded" ? parseForwarded(joinHeader(input.forwarded)) : parseForwardedFor(joinHeader(input.forwardedFor));
    // proxy-addr reads a request; give it one whose header holds the normalised chain ("-" for entries that
    // are no address: never trusted, so the walk stops there).
    const req = { headers: { "x-forwarded-for": chain.map((a) => a || "-").join(", ") }, socket: { remoteAddress: peer || "-" } };
    const hops = proxyaddr.all(req as never, isTrusted);
    // The client is the last hop believed; when that is no address (obfuscated, `unknown`, garbage), the
    // nearest real address before it stands in: the proxy that could not say who its client was.
    for (let i = hops.length - 1; i >= 0; i--) if (hops[i] !== "-") return hops[i]!;
    return "unknown";
  };
}

function trustCheck(trust: true | number | string | string[]): (ip: string, hop: number) => boolean {
  if (trust === true) return () => true;
  if (typeof trust === "number") return (_ip, hop) => hop < trust;
  const list = (typeof trust === "string" ? [trust] : trust).map((s) => KEYWORD_ALIASES[s] ?? s);
  for (const spec of list) {
    try {
      proxyaddr.compile(spec);
    } catch {
      throw new Error(`trustProxy: "${spec}" is not an address or CIDR; use forms like 10.0.0.0/8 or loopback`);
    }
  }
  return proxyaddr.compile(list);
}

/** Client-first addresses of an `X-Forwarded-For` value; "" for an entry that is no address. */
export function parseForwardedFor(header: string): string[] {
  if (!header) return [];
  return header.split(",").map((entry) => normalizeIp(stripPort(entry.trim())));
}

/** `for=` values of each RFC 7239 element, client first; obfuscated and `unknown` identifiers become "". */
export function parseForwarded(header: string): string[] {
  const out: string[] = [];
  if (!header) return out;
  for (const element of header.split(",")) {
    let value: string | undefined;
    for (const pair of element.split(";")) {
      const eq = pair.indexOf("=");
      if (eq >= 0 && pair.slice(0, eq).trim().toLowerCase() === "for") value = pair.slice(eq + 1).trim();
    }
    if (value === undefined) continue;
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    out.push(normalizeIp(stripPort(value)));
  }
  return out;
}

/** `1.2.3.4:5678` → `1.2.3.4`, `[2001:db8::1]:443` → `2001:db8::1`; a bare IPv6 address is left alone. */
export function stripPort(entry: string): string {
  if (entry.startsWith("[")) {
    const close = entry.indexOf("]");
    return close > 0 ? entry.slice(1, close) : entry;
  }
  const colon = entry.indexOf(":");
  // One colon: IPv4 (or a name) with a port. Two or more: IPv6, which has no port without brackets.
  return colon > 0 && entry.indexOf(":", colon + 1) < 0 ? entry.slice(0, colon) : entry;
}

function joinHeader(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(",") : (value ?? "");
}
