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

  it("prefers RFC 7239 Forwarded, with quoted IPv6 and ports", () => {
    expect(parseForwarded('for=192.0.2.60;proto=http;by=203.0.113.43, for="[2001:db8:cafe::17]:4711"')).toEqual(["192.0.2.60", "2001:db8:cafe::17"]);
    const resolve = clientAddressResolver(["loopback"]);
    expect(resolve({ peer: "127.0.0.1", forwarded: 'for="[2001:db8:cafe::17]:4711"', forwardedFor: "9.9.9.9" })).toBe("2001:db8:cafe::17");
    expect(resolve({ peer: "127.0.0.1", forwarded: "for=unknown" })).toBe("127.0.0.1");
  });

  it("with a hop count trusts exactly that many proxies", () => {
    const resolve = clientAddressResolver(1);
    expect(resolve({ peer: "10.0.0.2", forwardedFor: "6.6.6.6, 203.0.113.9" })).toBe("203.0.113.9");
  });

  it("names a bad trustProxy entry", () => {
    expect(() => clientAddressResolver(["office-proxy"])).toThrow(/office-proxy/);
  });
});
