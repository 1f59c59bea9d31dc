import proxyaddr from "proxy-addr";
import { describe, expect, it } from "vitest";
import { clientAddressResolver, parseForwarded } from "../../src/detect/client-ip.js";
import { networkKey, normalizeIp, sourceKey } from "../../src/detect/event.js";

describe("addresses", () => {
  it("normalises ::ffff: mapped IPv4, brackets, zones and case", () => {
    expect(normalizeIp("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(normalizeIp("[2001:DB8::1]")).toBe("2001:db8::1");
    expect(normalizeIp("fe80::1%eth0")).toBe("fe80::1");
    expect(normalizeIp("not-an-ip")).toBe("");
  });

  it("groups IPv6 by /64 and IPv4 networks by /24", () => {
    expect(sourceKey("2001:db8:1:2::5")).toBe(sourceKey("2001:db8:1:2:ffff::9"));
    expect(sourceKey("2001:db8:1:2::5")).not.toBe(sourceKey("2001:db8:1:3::5"));
    expect(sourceKey("2001:db8:1:2::5")).toBe("2001:db8:1:2::/64");
    expect(sourceKey("192.0.2.7")).toBe("192.0.2.7");
    expect(networkKey("192.0.2.7")).toBe("192.0.2.0/24");
    expect(networkKey("::ffff:192.0.2.9")).toBe("192.0.2.0/24");
  });
});

describe("client address", () => {
  it("without trusted proxies only the TCP peer counts: spoofed headers are ignored", () => {
    const resolve = clientAddressResolver();
    expect(resolve({ peer: "::ffff:203.0.113.5", forwardedFor: "1.2.3.4", forwarded: "for=5.6.7.8" })).toBe("203.0.113.5");
  });

  it("with trusted proxies walks X-Forwarded-For from the right and stops at the first untrusted hop", () => {
    const resolve = clientAddressResolver(["10.0.0.0/8", "loopback"]);
    // The client put a fake 1.1.1.1 in front; the proxy appended the real peer 203.0.113.9.
    expect(resolve({ peer: "10.0.0.2", forwardedFor: "1.1.1.1, 203.0.113.9, 10.0.0.7" })).toBe("203.0.113.9");
    // The header of an untrusted peer is never read.
    expect(resolve({ peer: "198.51.100.1", forwardedFor: "1.1.1.1" })).toBe("198.51.100.1");
  });

  it("takes a single keyword or address as a string, as Express's trust proxy does", () => {
    const resolve = clientAddressResolver("loopback");
    expect(resolve({ peer: "127.0.0.1", forwardedFor: "203.0.113.9" })).toBe("203.0.113.9");
    expect(resolve({ peer: "198.51.100.1", forwardedFor: "1.1.1.1" })).toBe("198.51.100.1");
  });

  it("behind a proxy that writes X-Forwarded-For, a Forwarded header sent by the client is ignored (issue 15)", () => {
    const resolve = clientAddressResolver(["loopback"]);
    // The client added Forwarded itself; the trusted proxy only appended the real peer to X-Forwarded-For.
    expect(resolve({ peer: "127.0.0.1", forwarded: "for=203.0.113.99", forwardedFor: "198.51.100.7" })).toBe("198.51.100.7");
    expect(resolve({ peer: "127.0.0.1", forwarded: "for=203.0.113.99" })).toBe("127.0.0.1");
  });

  it("reads RFC 7239 Forwarded only when it is the configured header, with quoted IPv6 and ports", () => {
    expect(parseForwarded('for=192.0.2.60;proto=http;by=203.0.113.43, for="[2001:db8:cafe::17]:4711"')).toEqual(["192.0.2.60", "2001:db8:cafe::17"]);
    expect(parseForwarded("for=192.0.2.60:8080")).toEqual(["192.0.2.60"]);
    const resolve = clientAddressResolver(["loopback"], "forwarded");
    expect(resolve({ peer: "127.0.0.1", forwarded: 'for="[2001:db8:cafe::17]:4711"', forwardedFor: "9.9.9.9" })).toBe("2001:db8:cafe::17");
    expect(resolve({ peer: "127.0.0.1", forwarded: "for=unknown" })).toBe("127.0.0.1");
    expect(resolve({ peer: "127.0.0.1", forwarded: "for=_hidden, for=192.0.2.60" })).toBe("192.0.2.60");
  });

  it("strips ports a trusted proxy writes into X-Forwarded-For (Azure Application Gateway style)", () => {
    const resolve = clientAddressResolver(["10.0.0.0/8"]);
    expect(resolve({ peer: "10.0.0.2", forwardedFor: "203.0.113.9:51234" })).toBe("203.0.113.9");
    expect(resolve({ peer: "10.0.0.2", forwardedFor: "198.51.100.4:443" })).toBe("198.51.100.4");
    expect(resolve({ peer: "10.0.0.2", forwardedFor: "[2001:db8::5]:443" })).toBe("2001:db8::5");
    expect(resolve({ peer: "10.0.0.2", forwardedFor: "2001:db8::6" })).toBe("2001:db8::6");
    expect(resolve({ peer: "10.0.0.2", forwardedFor: "1.1.1.1, 203.0.113.9:51234, 10.0.0.7:8080" })).toBe("203.0.113.9");
  });

  it("answers in canonical form: hex-mapped IPv4 is the IPv4 address, IPv6 is RFC 5952", () => {
    expect(normalizeIp("::ffff:102:304")).toBe("1.2.3.4");
    expect(normalizeIp("::FFFF:0102:0304")).toBe("1.2.3.4");
    expect(normalizeIp("2001:0DB8:0000:0000:0000:0000:0000:0001")).toBe("2001:db8::1");
    expect(sourceKey("::ffff:102:304")).toBe("1.2.3.4");
    expect(sourceKey("::ffff:102:305")).not.toBe(sourceKey("::ffff:102:304"));
    expect(networkKey("::ffff:102:304")).toBe("1.2.3.0/24");
    expect(sourceKey("2001:0db8:0000:0001:0000:0000:0000:0005")).toBe("2001:db8:0:1::/64");
    const resolve = clientAddressResolver(["loopback"]);
    expect(resolve({ peer: "::ffff:7f00:1", forwardedFor: "::ffff:102:304" })).toBe("1.2.3.4");
  });

  it("never takes a garbage entry as the client: the nearest real address stands in", () => {
    const resolve = clientAddressResolver(["loopback"]);
    expect(resolve({ peer: "127.0.0.1", forwardedFor: "not-an-address" })).toBe("127.0.0.1");
    expect(resolve({ peer: "127.0.0.1", forwardedFor: `${"x".repeat(5000)}, 198.51.100.2` })).toBe("198.51.100.2");
  });

  it("agrees with proxy-addr (Express's req.ip) on plain X-Forwarded-For chains", () => {
    const cases: Array<[string[] | number | string, string, string]> = [
      [["loopback"], "127.0.0.1", "203.0.113.9, 10.0.0.1"],
      [["loopback", "10.0.0.0/8"], "127.0.0.1", "203.0.113.9, 10.0.0.1"],
      [2, "10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.1"],
      ["uniquelocal", "192.168.1.1", "2001:db8::9"],
      [["loopback"], "198.51.100.1", "1.1.1.1"],
    ];
    for (const [trust, peer, xff] of cases) {
      const expected = proxyaddr(
        { headers: { "x-forwarded-for": xff }, socket: { remoteAddress: peer } } as never,
        typeof trust === "number" ? (_a: string, i: number) => i < trust : (trust as string | string[]),
      );
      expect(clientAddressResolver(trust)({ peer, forwardedFor: xff }), `${JSON.stringify(trust)} ${peer} ${xff}`).toBe(expected);
    }
  });

  it("with a hop count trusts exactly that many proxies", () => {
    const resolve = clientAddressResolver(1);
    expect(resolve({ peer: "10.0.0.2", forwardedFor: "6.6.6.6, 203.0.113.9" })).toBe("203.0.113.9");
  });

  it("names a bad trustProxy entry", () => {
    expect(() => clientAddressResolver(["office-proxy"])).toThrow(/office-proxy/);
  });
});
