import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { storeKeys } from "../../src/detect/redis-keys.js";
import { type AppInstance, appInstance, closeApps, get, type RedisProcess, startRedis, stopAll } from "./redis-support.js";
import { alertsIn, capturingLogger, waitFor } from "./support.js";

/**
 * One failed login makes two hits: brute-force counts it under the source address, key-spray under the whole
 * server. On a Redis Cluster those keys live on different masters, so during a failover one hit's command fails
 * while the other's is counted. A real redis-server gives the same split at will: the brute-force counter of
 * one address holds a string, so its script fails (WRONGTYPE) and the key-spray script next to it succeeds.
 * What the store counted must stay counted once: the alert it reached is raised, and the catch-up after the
 * outage does not count it again.
 */
describe("an event whose hits the store answers in part (one master of a cluster gone)", () => {
  const keys = storeKeys("rampart:detect:");
  const poisoned = "198.51.100.77";
  const bruteForce = keys.counter(`brute-force#0|ip:${poisoned}`);
  const keySpray = keys.counter("key-spray#0|server");
  const apps: AppInstance[] = [];
  const admins: Redis[] = [];

  /** A fresh redis-server and app per test: one test's outage must not leak into the next. */
  async function setup(): Promise<{ app: AppInstance; admin: Redis; redis: RedisProcess; log: ReturnType<typeof capturingLogger> }> {
    const redis = await startRedis();
    const admin = new Redis(redis.port, "127.0.0.1");
    admins.push(admin);
    const log = capturingLogger();
    const app = await appInstance({ logger: log.logger, trustProxy: "loopback", store: { redis: `redis://127.0.0.1:${redis.port}`, timeoutMs: 200 } });
    apps.push(app);
    await waitFor(() => !app.middleware.guard.degraded, 10_000);
    return { app, admin, redis, log };
  }

  afterEach(async () => {
    await closeApps(apps);
    for (const admin of admins.splice(0)) admin.disconnect();
  });
  afterAll(stopAll);

  it("raises the alert the answered hit reached, and the catch-up does not count that hit twice", { timeout: 20_000 }, async () => {
    const { app, admin, log } = await setup();
    await admin.set(bruteForce, "not a sorted set");
    // Fourteen sources fail once each; the fifteenth distinct source (the poisoned one) reaches key-spray's threshold.
    for (let i = 1; i <= 14; i++) {
      expect(await get(app, `sk-wrong-${i}`, `203.0.113.${i}`)).toBe(401);
      await app.middleware.guard.idle();
    }
    expect(await admin.zcard(keySpray)).toBe(14);
    expect(await get(app, "sk-wrong-15", poisoned)).toBe(401);
    await app.middleware.guard.idle();

    // The store reached fifteen and emptied the counter: that crossing is this fleet's one key-spray alert.
    const sprays = () => alertsIn(log.records).filter((r) => r.rule === "key-spray");
    expect(sprays()).toHaveLength(1);
    expect(sprays()[0]).toMatchObject({ count: 15, action: "block" });
    // The failed hit degraded the guard (counted locally, kept for the catch-up).
    expect(app.middleware.guard.degraded).toBe(true);

    // The broken master is back: the guard recovers and replays what it kept.
    await admin.del(bruteForce);
    await waitFor(() => !app.middleware.guard.degraded, 10_000);
    await app.middleware.guard.idle();
    // Only the hit that failed was replayed: its address counted once, and key-spray's emptied window stays empty.
    expect(await admin.zcard(bruteForce)).toBe(1);
    expect(await admin.zcard(keySpray)).toBe(0);
    expect(sprays()).toHaveLength(1);
    const recovered = log.records.find((r) => r.msg === "rampart shared store recovered; shared counting on");
    expect(recovered).toMatchObject({ replayedHits: 1 });
  });

  it("a count answered after the timeout is decided when it comes, and the catch-up does not send it again", { timeout: 20_000 }, async () => {
    const { app, admin, redis, log } = await setup();
    const attacker = "198.51.100.88";
    const counter = keys.counter(`brute-force#0|ip:${attacker}`);
    for (let i = 1; i <= 9; i++) {
      expect(await get(app, `sk-wrong-${i}`, attacker)).toBe(401);
      await app.middleware.guard.idle();
    }
    expect(await admin.zcard(counter)).toBe(9);
    // Redis stalls (SIGSTOP) while the tenth failure is counted: the guard gives up after its 200 ms and counts
    // locally, where the address has one failure; Redis, resumed, runs the script and answers late: ten.
    redis.pause();
    expect(await get(app, "sk-wrong-10", attacker)).toBe(401);
    await app.middleware.guard.idle();
    expect(app.middleware.guard.degraded).toBe(true);
    redis.resume();
    const forces = () => alertsIn(log.records).filter((r) => r.rule === "brute-force");
    await waitFor(() => forces().length > 0, 2000);
    expect(forces()[0]).toMatchObject({ count: 10, action: "block", subject: { ip: attacker } });
    await waitFor(() => !app.middleware.guard.degraded, 10_000);
    await app.middleware.guard.idle();
    // The late answer emptied the window; the catch-up did not put the tenth failure back into it.
    expect(await admin.exists(counter)).toBe(0);
    expect(forces()).toHaveLength(1);
  });
});
