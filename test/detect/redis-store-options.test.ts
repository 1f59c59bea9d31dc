import { describe, expect, it } from "vitest";
import { suspiciousAccess } from "../../src/detect/express.js";
import { hashTagOf, storeKeys } from "../../src/detect/redis-keys.js";
import { socketAuthGuard } from "../../src/detect/socket-io.js";
import type { DetectStore } from "../../src/detect/store.js";
import { capturingLogger, serveWrongKeyApi, waitFor } from "./support.js";

const PASSWORD = "hunter2-Zq81xVw";

/** Creating the middleware with this store option throws; returns the message. */
function startupError(store: unknown): string {
  try {
    const m = suspiciousAccess({ store: store as never, logger: capturingLogger().logger });
    void m.close();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("no error at start-up");
}

describe("store options are checked when the middleware is created", () => {
  it.each([
    [{ redis: { clusters: ["redis://127.0.0.1:7000"] } }, /store\.redis has none of cluster or sentinels \(keys given: clusters\)/],
    [{ redis: { cluster: [] } }, /store\.redis\.cluster must be a non-empty list/],
    [{ redis: { cluster: ["redis://127.0.0.1:7000", "rediss://127.0.0.1:7001"] } }, /mixes redis:\/\/ and rediss:\/\//],
    [{ redis: { cluster: ["http://127.0.0.1:7000"] } }, /store\.redis\.cluster\[0\] must start with redis:\/\/ or rediss:\/\/; got http:/],
    [{ redis: { cluster: ["redis://a:1"], password: "x" } }, /unknown option store\.redis\.password/],
    [{ redis: { sentinels: ["127.0.0.1:26379"] } }, /store\.redis\.name must name the master/],
    [{ redis: { sentinels: ["localhost"], name: "m" } }, /store\.redis\.sentinels\[0\] must be host:port/],
    [{ redis: { sentinels: ["127.0.0.1:26379"], name: "m", sentinelPasword: "x" } }, /unknown option store\.redis\.sentinelPasword/],
    [{ redis: "127.0.0.1:6379" }, /store\.redis is not a URL \(expected redis:\/\/\[:password@\]host:port/],
    [{ redis: 6379 }, /store\.redis must be a redis:\/\/ or rediss:\/\/ URL, \{ cluster: \[urls\] \}/],
    [{ redis: "redis://127.0.0.1:6379", timeout: 100 }, /unknown option store\.timeout \(known: redis, prefix, timeoutMs, tls, maxBlocks\)/],
    [{ redis: "redis://127.0.0.1:6379", timeoutMs: 0 }, /store\.timeoutMs must be a number of milliseconds between 1 and 60000/],
    [{ redis: "redis://127.0.0.1:6379", prefix: "app:{x}:" }, /store\.prefix must be a string without \{ or \}/],
    [{ url: "redis://127.0.0.1:6379" }, /missing methods count, setBlock, close \(keys given: url\); for Redis pass \{ redis:/],
    [{ name: "half", count: () => undefined }, /missing methods setBlock, close/],
    ["redis://127.0.0.1:6379", /store must be an object such as \{ redis:/],
  ])("%j is refused with a message naming the option", (store, message) => {
    expect(startupError(store)).toMatch(message);
  });

  it("never repeats a password from a bad option", () => {
    const messages = [
      startupError({ redis: `redis//:${PASSWORD}@127.0.0.1:6379` }),
      startupError({ redis: `https://:${PASSWORD}@127.0.0.1:6379` }),
      startupError({ redis: { cluster: [`redis://:${PASSWORD}@127.0.0.1:7000`, `ftp://:${PASSWORD}@h:1`] } }),
      startupError({ redis: { sentinels: [`:${PASSWORD}@`], name: "m" } }),
    ];
    for (const message of messages) expect(message).not.toContain(PASSWORD);
  });

  it("the Socket.IO guard checks the same option", () => {
    expect(() => socketAuthGuard({ authenticate: async () => ({ ok: true }), store: { redis: { clusters: [] } } as never })).toThrow(
      /store\.redis has none of cluster or sentinels/,
    );
  });

  it("accepts every documented shape without connecting at creation", async () => {
    for (const store of [
      { redis: "redis://127.0.0.1:9", timeoutMs: 100, prefix: "app:" },
      { redis: "rediss://:pw@127.0.0.1:9", tls: { rejectUnauthorized: true } },
      { redis: { cluster: ["redis://127.0.0.1:9", "redis://127.0.0.1:10"] } },
      { redis: { sentinels: ["127.0.0.1:9", "[::1]:10"], name: "mymaster", password: "pw" } },
    ]) {
      const m = suspiciousAccess({ store, logger: capturingLogger().logger });
      expect(m.guard.degraded).toBe(true);
      await m.close();
    }
  });
});

describe("store state is logged once per change, never per request", () => {
  it("a store failing every call logs one warning over many requests, then one line when it recovers", async () => {
    let failing = true;
    const store: DetectStore = {
      name: "flaky",
      count: async (hit) => {
        if (failing) throw new Error("store exploded");
        return { count: 1, firstSeen: hit.at };
      },
      setBlock: async () => {
        if (failing) throw new Error("store exploded");
      },
      close: async () => undefined,
    };
    const { logger, records } = capturingLogger();
    const middleware = suspiciousAccess({ logger, store });
    const { base, close } = await serveWrongKeyApi(middleware);
    try {
      for (let i = 0; i < 40; i++) expect((await fetch(`${base}/api`)).status).toBe(401);
      await middleware.guard.idle();
      const storeLines = () => records.filter((r) => typeof r.msg === "string" && (r.msg as string).includes("shared store"));
      expect(storeLines().map((r) => r.msg)).toEqual(["rampart shared store unreachable; counting locally until it is back (requests proceed)"]);
      expect(records.filter((r) => r.level === 50)).toEqual([]);
      // Counted locally meanwhile: brute force still fires at the tenth failure.
      expect(records.filter((r) => r.rule === "brute-force")).toHaveLength(1);
      failing = false;
      // One counted request every couple of seconds tries the store again.
      const until = Date.now() + 5000;
      while (middleware.guard.degraded && Date.now() < until) {
        await fetch(`${base}/api`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await waitFor(() => !middleware.guard.degraded);
      for (let i = 0; i < 10; i++) await fetch(`${base}/api`);
      await middleware.guard.idle();
      expect(storeLines().map((r) => r.msg)).toEqual([
        "rampart shared store unreachable; counting locally until it is back (requests proceed)",
        "rampart shared store recovered; shared counting on",
      ]);
      // The hits counted locally during the outage were counted in the store on recovery.
      expect(storeLines()[1]).toMatchObject({ store: "flaky", droppedHits: 0 });
      expect(storeLines()[1]!.replayedHits).toBeGreaterThanOrEqual(40);
    } finally {
      await close();
    }
  });
});

describe("Redis keys", () => {
  it("every key carries a non-empty hash tag, one per subject for counters, even for subjects with braces", () => {
    const keys = storeKeys("rampart:detect:");
    for (const subject of ["ip:203.0.113.9", "p:key:a}b", "p:}", "t:{acme}", "p:%7d", "ip:2001:db8::/64"]) {
      const counter = keys.counter(`brute-force#0|${subject}`);
      expect(hashTagOf(counter)).toBeDefined();
      // Both triggers of a rule, and other rules, count a subject in one slot.
      expect(hashTagOf(keys.counter(`brute-force#1|${subject}`))).toBe(hashTagOf(counter));
      expect(hashTagOf(keys.counter(`path-scan#0|${subject}`))).toBe(hashTagOf(counter));
    }
    expect(hashTagOf(keys.counter("brute-force#0|p:a}b"))).not.toBe(hashTagOf(keys.counter("brute-force#0|p:a")));
    expect(new Set([keys.blockUntil, keys.blockData, keys.blockChannel].map(hashTagOf))).toEqual(new Set(["blocks"]));
  });
});
