import { BlockList, isIP } from "node:net";
import { ConfigError } from "../core/errors.js";
import { normalizeIp } from "./event.js";

/** Names for address ranges that configurations mean more often than they spell out. */
const KEYWORDS: Record<string, string[]> = {
  loopback: ["127.0.0.0/8", "::1/128"],
  private: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
  linklocal: ["169.254.0.0/16", "fe80::/10"],
};

/** A membership test for addresses, CIDRs and the keywords `loopback`, `private` and `linklocal`. */
export function sourceList(specs: readonly string[], where = "detect options"): (ip: string) => boolean {
  const list = new BlockList();
  for (const spec of specs.flatMap((s) => KEYWORDS[s] ?? [s])) {
    const [addr, bits] = spec.split("/");
    const ip = normalizeIp(addr);
    const family = isIP(ip) === 6 ? "ipv6" : "ipv4";
    const prefix = Number(bits);
    if (!ip || (bits !== undefined && !(Number.isInteger(prefix) && prefix >= 0 && prefix <= (family === "ipv6" ? 128 : 32)))) {
      throw new ConfigError(`"${spec}" is not an address, CIDR or one of loopback, private, linklocal; fix the list`, { file: where });
    }
    if (bits === undefined) list.addAddress(ip, family);
    else list.addSubnet(ip, prefix, family);
  }
  return (raw) => {
    const ip = normalizeIp(raw);
    const family = isIP(ip);
    return family !== 0 && list.check(ip, family === 6 ? "ipv6" : "ipv4");
  };
}
