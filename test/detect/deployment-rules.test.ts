import { describe, expect, it } from "vitest";
import { Detector } from "../../src/detect/detector.js";
import type { AccessEvent } from "../../src/detect/event.js";
import { loadDetectRules } from "../../src/detect/rule.js";

const rules = loadDetectRules();
const START = Date.parse("2026-12-01T10:00:00Z");
const at = (ms: number) => new Date(START + ms).toISOString();
const ok = (ip: string, ms: number): AccessEvent => ({
  time: at(ms),
  ip,
  method: "GET",
  path: "/api/agents",
  status: 200,
  auth: "ok",
  principal: "key:server",
});

describe("rules that survive one shared server key", () => {
  it("token-sharing names the networks newest first and, in enforce mode, refuses only the new networks of the key", () => {
    const detector = new Detector(rules, { mode: "enforce" });
    const benign = ["203.0.113.10", "198.51.100.20", "2001:db8:aa::5", "127.0.0.1", "::1"];
    const alerts = [];
    let t = 0;
    const advance = (ms: number) => {
      t += ms;
      return t;
    };
    // The UI, the SDK, a monitor and the server itself use the key for ten minutes...
    for (let minute = 0; minute < 10; minute++) for (const ip of benign) alerts.push(...detector.observe(ok(ip, advance(1000))));
    expect(alerts).toEqual([]);
    // ...then the stolen key shows up from twelve IPv6 /64s, while the benign clients keep working.
    for (let i = 1; i <= 12; i++) {
      alerts.push(...detector.observe(ok(`2001:db8:${i}:9::1`, advance(2000))));
      for (const ip of benign) alerts.push(...detector.observe(ok(ip, advance(100))));
    }
    const sharing = alerts.filter((a) => a.rule === "token-sharing");
    expect(sharing).toHaveLength(1);
    expect(sharing[0]!.networks![0]).toBe("2001:db8:3:9::/64");
    expect(sharing[0]!.networks).toContain("203.0.113.0/24");
    expect(sharing[0]!.networks).not.toContain("127.0.0.0/24");
    expect(sharing[0]!.blocked).toEqual(["pn:key:server@2001:db8:3:9::/64"]);
    const now = START + t;
    for (const ip of benign) expect(detector.blockFor({ ip, principal: "key:server" }, now), ip).toBeUndefined();
    for (let i = 3; i <= 12; i++) expect(detector.blockFor({ ip: `2001:db8:${i}:9::77`, principal: "key:server" }, now)?.rule).toBe("token-sharing");
    // The thief's network stays open to requests without the key (the pair is what is refused).
    expect(detector.blockFor({ ip: "2001:db8:12:9::1" }, now)).toBeUndefined();
  });

  it("allow-listed networks never count toward token-sharing", () => {
    const detector = new Detector(rules, { allow: { ips: ["198.51.0.0/16"] } });
    const alerts = Array.from({ length: 10 }, (_, i) => detector.observe(ok(`198.51.${i}.9`, i * 60_000))).flat();
    expect(alerts).toEqual([]);
  });
});

describe("key-spray: a server-wide count", () => {
  it("catches three wrong keys from each of thirty /64s, names the sources and refuses them auth only", () => {
    const detector = new Detector(rules, { mode: "enforce" });
    const alerts = [];
    for (let i = 0; i < 90; i++) {
      const ip = `2001:db8:${Math.floor(i / 3)}:1::7`;
      alerts.push(...detector.observe({ time: at(i * 2000), ip, method: "GET", path: "/api/agents", status: 401, auth: "invalid", principal: `key:g${i}` }));
    }
    expect(alerts.map((a) => a.rule)).toEqual(["key-spray"]);
    const spray = alerts[0]!;
    expect(spray.subject).toEqual({});
    expect(spray.sources![0]).toBe("2001:db8:14:1::/64");
    expect(spray.sources).toHaveLength(10);
    const block = detector.blockFor({ ip: "2001:db8:14:1::99" }, START + 200_000);
    expect(block).toMatchObject({ rule: "key-spray", status: 429, scope: "auth" });
    // Nobody else is refused.
    expect(detector.blockFor({ ip: "203.0.113.5" }, START + 200_000)).toBeUndefined();
  });
});
