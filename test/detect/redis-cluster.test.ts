import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Alert } from "../../src/detect/alert.js";
import { storeKeys } from "../../src/detect/redis-keys.js";
import {
  type AppInstance,
  appInstance,
  closeApps,
  get,
  type LocalCluster,
  masterPortFor,
  SUITE_TIMEOUT_MS,
  startCluster,
  stopAll,
  untilClusterOk,
  untilFailedOver,
  warmAlertPath,
  whenBlocked,
} from "./redis-support.js";
import { alertsIn, capturingLogger, waitFor } from "./support.js";

/**
 * Three app instances (real Express + middleware over HTTP) sharing a real 3-master / 3-replica Redis Cluster
 * made with `redis-cli --cluster create`, configured exactly as `store: { redis: { cluster: [urls] } }`.
 */
describe("three instances sharing a real Redis Cluster", () => {
  let cluster: LocalCluster;
  let appCluster: Cluster;
  const apps: AppInstance[] = [];
  const logs: Array<ReturnType<typeof capturingLogger>> = [];
  const alerts: Array<{ alert: Alert; at: number; instance: number }> = [];

  beforeAll(async () => {
    await warmAlertPath();
    cluster = await startCluster();
    // The third instance hands over an ioredis Cluster it made itself; the first two name the nodes.
    appCluster = new Cluster(cluster.urls.slice(0, 2).map((url) => ({ host: "127.0.0.1", port: Number(new URL(url).port) })));
    for (let i = 0; i < 3; i++) {
      const log = capturingLogger();
      logs.push(log);
      const redis = i < 2 ? { cluster: cluster.urls } : appCluster;
      apps.push(
        await appInstance({
          logger: log.logger,
          trustProxy: "loopback",
          store: { redis, timeoutMs: SUITE_TIMEOUT_MS },
          onAlert: (alert) => alerts.push({ alert, at: performance.now(), instance: i }),
        }),
      );
    }
    await waitFor(() => apps.every((a) => !a.middleware.guard.degraded), 10_000);
  }, 60_000);

  afterAll(async () => {
    await closeApps(apps);
    appCluster.disconnect();
    await stopAll();
  });

  const idle = () => Promise.all(apps.map((a) => a.middleware.guard.idle()));
  const all = () => logs.flatMap((l) => l.records);

  it("a brute force spread over the three instances is detected once, at the threshold of one instance, and blocked on all", async () => {
    const ip = "203.0.113.7";
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push(await get(apps[i % 3]!, `sk-wrong-${i}`, ip));
      await idle();
    }
    const found = alertsIn(all()).filter((r) => r.rule === "brute-force");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ count: 10, action: "block", subject: { ip } });
    await waitFor(() => apps.every((a) => a.middleware.guard.blocked({ ip }) !== undefined), 1000);
    for (const app of apps) expect(await get(app, "sk-good", ip)).toBe(429);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
  });

  it("a block made on one instance is enforced on the other two within 100 ms", async () => {
    const ip = "203.0.113.8";
    const before = alerts.length;
    const arrivals = whenBlocked([apps[1]!, apps[2]!], ip);
    // All ten failures on instance 0 only.
    for (let i = 0; i < 10; i++) await get(apps[0]!, `sk-wrong-${i}`, ip);
    await waitFor(() => alerts.length > before, 2000);
    const madeAt = alerts.at(-1)!.at;
    for (const at of await arrivals) {
      expect(at).toBeDefined();
      expect(at! - madeAt).toBeLessThan(100);
    }
    expect(await get(apps[1]!, "sk-good", ip)).toBe(429);
    expect(await get(apps[2]!, "sk-good", ip)).toBe(429);
  });

  it("killing a master mid-load loses no request, and detection goes on after the replica takes over", { timeout: 60_000 }, async () => {
    // The master holding the counters of the attacker used after the failover.
    const attacker = "198.51.100.23";
    const counter = storeKeys("rampart:detect:").counter(`brute-force#0|ip:${attacker}`);
    const victimPort = masterPortFor(counter, Number(new URL(cluster.urls[0]!).port));
    const victim = cluster.nodes.find((n) => n.port === victimPort)!;
    const answers: number[] = [];
    let slowest = 0;
    let failed = 0;
    const load = async (worker: number): Promise<void> => {
      for (let i = 0; i < 60; i++) {
        const started = performance.now();
        try {
          // Good keys and failures from rotating addresses: counted hits go to every master.
          answers.push(await get(apps[(worker + i) % 3]!, i % 3 === 0 ? `sk-bad-${i}` : "sk-good", `192.0.2.${(worker * 60 + i) % 250}`));
        } catch {
          failed++;
        }
        slowest = Math.max(slowest, performance.now() - started);
      }
    };
    const traffic = Promise.all([0, 1, 2].map(load));
    await waitFor(() => answers.length >= 40);
    await victim.kill();
    await traffic;
    expect(failed).toBe(0);
    expect(answers).toHaveLength(180);
    expect(answers.every((s) => s === 200 || s === 401)).toBe(true);
    // The request path never waits on Redis: no request took anywhere near a failover's length (the alert path's
    // one-time warm-up, a CPU cost, was paid in beforeAll).
    expect(slowest).toBeLessThan(1000);

    // "After the replica takes over" means after: until the survivors notice the death (node timeout) the cluster
    // still reports ok with the dead master owning its slots, so wait for the promotion itself, then for every
    // instance to settle (counts in flight answered or timed out) and to be back on shared counting.
    const survivors = cluster.nodes.filter((n) => n !== victim).map((n) => n.port);
    await untilFailedOver(counter, victimPort, survivors);
    await untilClusterOk(survivors);
    await idle();
    await waitFor(() => apps.every((a) => !a.middleware.guard.degraded), 10_000);
    await idle();
    const before = alertsIn(all()).filter((r) => r.rule === "brute-force").length;
    for (let i = 0; i < 10; i++) {
      await get(apps[i % 3]!, `sk-wrong-${i}`, attacker);
      await idle();
    }
    const after = alertsIn(all()).filter((r) => r.rule === "brute-force");
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)).toMatchObject({ count: 10, subject: { ip: attacker } });
    // The counter lives on the promoted replica now.
    expect(masterPortFor(counter, survivors[0]!)).not.toBe(victimPort);
    await waitFor(() => apps.every((a) => a.middleware.guard.blocked({ ip: attacker }) !== undefined), 1000);
  });

  it("logs each store state change once per instance, never per request", () => {
    for (const { records } of logs) {
      const storeLines = records.filter((r) => typeof r.msg === "string" && (r.msg as string).includes("shared store"));
      expect(storeLines[0]!.msg).toBe("rampart shared store connected; shared counting on");
      // Connected, and an unreachable / recovered pair or two around the failover: hundreds of requests, a handful of lines.
      expect(storeLines.length).toBeLessThanOrEqual(5);
      expect(records.filter((r) => r.level === 50)).toEqual([]);
    }
  });
});
