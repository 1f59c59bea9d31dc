import { BlockList, isIP } from "node:net";
import { normalizeIp } from "./event.js";

/**
 * Which peers may tell us the client's address. `false` (the default): only the TCP peer counts and every
 * forwarding header is ignored. A list: addresses, CIDRs or `loopback`/`private` keywords of your proxies.
 * A number: that many proxy hops in front of the app.
 */
export type TrustProxy = boolean | number | string | string[];

export interface ClientAddressInput {
  peer: string | undefined;
  forwardedFor?: string | string[] | undefined;
  forwarded?: string | string[] | undefined;
}

const KEYWORDS: Record<string, string[]> = {
  loopback: ["127.0.0.0/8", "::1/128"],
  private: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
  linklocal: ["169.254.0.0/16", "fe80::/10"],
};

/** Builds the function that picks the client address from the TCP peer and the forwarding headers. */
export function clientAddressResolver(trust: TrustProxy = false): (input: ClientAddressInput) => string {
  if (trust === false) return (input) => normalizeIp(input.peer) || "unknown";
  // `trustProxy: "loopback"` is what people write (Express accepts it too): a single entry.
  const isTrusted = trustCheck(typeof trust === "string" ? [trust] : trust);
  return (input) => {
    const peer = normalizeIp(input.peer);
    const chain = forwardingChain(input);
    const hops = [...chain, peer];
    // Walk from the nearest hop outwards; the first address we do not trust is the client. A header
    // from an untrusted peer is never read, because the walk stops at that peer.
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!;
      if (!hop) return hops[i + 1] || peer || "unknown";
      if (!isTrusted(hop, hops.length - 1 - i)) return hop;
    }
    return hops[0] || peer || "unknown";
  };
}

function trustCheck(trust: true | number | string[]): (ip: string, depth: number) => boolean {
  if (trust === true) return () => true;
  if (typeof trust === "number") return (_ip, depth) => depth < trust;
  const list = new BlockList();
  for (const spec of trust.flatMap((s) => KEYWORDS[s] ?? [s])) {
    const [addr, bits] = spec.split("/");
    const ip = normalizeIp(addr);
    if (!ip) throw new Error(`trustProxy: "${spec}" is not an address or CIDR; use forms like 10.0.0.0/8 or loopback`);
    const family = isIP(ip) === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) list.addAddress(ip, family);
    else list.addSubnet(ip, Number(bits), family);
  }
  return (ip) => list.check(ip, isIP(ip) === 6 ? "ipv6" : "ipv4");
}

/** Client-first list of addresses from RFC 7239 `Forwarded` (preferred) or `X-Forwarded-For`. */
export function forwardingChain(input: ClientAddressInput): string[] {
  const forwarded = joinHeader(input.forwarded);
  if (forwarded) return parseForwarded(forwarded);
  const xff = joinHeader(input.forwardedFor);
  if (!xff) return [];
  return xff.split(",").map((s) => normalizeIp(s.trim()));
}

/** `for=` values of each element; obfuscated and `unknown` identifiers become "" (they end the walk). */
export function parseForwarded(header: string): string[] {
  const out: string[] = [];
  for (const element of header.split(",")) {
    for (const pair of element.split(";")) {
      const eq = pair.indexOf("=");
      if (eq < 0 || pair.slice(0, eq).trim().toLowerCase() !== "for") continue;
      let value = pair.slice(eq + 1).trim();
      if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      if (value.startsWith("[")) value = value.slice(1, value.indexOf("]"));
      else if (value.split(":").length === 2) value = value.split(":")[0]!; // IPv4 with a port
      out.push(normalizeIp(value));
    }
  }
  return out;
}

function joinHeader(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(",") : (value ?? "");
}
