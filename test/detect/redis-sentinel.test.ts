import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Alert } from "../../src/detect/alert.js";
import {
  type AppInstance,
  appInstance,
  closeApps,
  get,
  type SentinelSet,
  SUITE_TIMEOUT_MS,
  startSentinels,
  stopAll,
  warmAlertPath,
  whenBlocked,
} from "./redis-support.js";
import { alertsIn, capturingLogger, waitFor } from "./support.js";

/** The master's port as the sentinels report it. */
function masterPort(set: SentinelSet): number {
  const out = spawnSync("redis-cli", ["-p", String(set.sentinels[0]!.port), "sentinel", "get-master-addr-by-name", set.name], { encoding: "utf8" }).stdout;
  return Number(out.trim().split("\n")[1]);
}

/**
 * Three app instances sharing one master found through three real sentinels, configured as
 * `store: { redis: { sentinels: ["host:port", ...], name } }`; then the master dies and Sentinel promotes the replica.
 */
describe("three instances sharing a Sentinel-managed Redis", () => {
  let set: SentinelSet;
  const apps: AppInstance[] = [];
  const logs: Array<ReturnType<typeof capturingLogger>> = [];
  const alerts: Array<{ alert: Alert; at: number }> = [];

  beforeAll(async () => {
    // The first alert loads the redaction scanner: paid here, not inside the 100 ms the block has to travel.
    await warmAlertPath();
    set = await startSentinels();
    const sentinels = set.sentinels.map((s) => `127.0.0.1:${s.port}`);
    for (let i = 0; i < 3; i++) {
      const log = capturingLogger();
      logs.push(log);
      apps.push(
        await appInstance({
          logger: log.logger,
          trustProxy: "loopback",
          store: { redis: { sentinels, name: set.name }, timeoutMs: SUITE_TIMEOUT_MS },
          onAlert: (alert) => alerts.push({ alert, at: performance.now() }),
        }),
      );
    }
    await waitFor(() => apps.every((a) => !a.middleware.guard.degraded), 10_000);
  }, 60_000);

  afterAll(async () => {
    await closeApps(apps);
    await stopAll();
  });

  const idle = () => Promise.all(apps.map((a) => a.middleware.guard.idle()));
  const bruteForce = () => alertsIn(logs.flatMap((l) => l.records)).filter((r) => r.rule === "brute-force");

  it("detects a spread brute force once at ten, and a block made on one instance reaches the others within 100 ms", async () => {
    const ip = "203.0.113.70";
    const arrivals = whenBlocked(apps, ip);
    for (let i = 0; i < 10; i++) {
      await get(apps[i % 3]!, `sk-wrong-${i}`, ip);
      await idle();
    }
    expect(bruteForce()).toHaveLength(1);
    expect(bruteForce()[0]).toMatchObject({ count: 10, action: "block", subject: { ip } });
    // Made on the instance that saw the tenth failure; the other two learn it through the subscription.
    const madeAt = alerts.at(-1)!.at;
    for (const at of await arrivals) {
      expect(at).toBeDefined();
      expect(at! - madeAt).toBeLessThan(100);
    }
    for (const app of apps) expect(await get(app, "sk-good", ip)).toBe(429);
  });

  it("a Sentinel switch mid-load loses no request; detection goes on against the promoted replica", async () => {
    const answers: number[] = [];
    let failed = 0;
    const load = async (worker: number): Promise<void> => {
      for (let i = 0; i < 50; i++) {
        try {
          answers.push(await get(apps[(worker + i) % 3]!, i % 4 === 0 ? `sk-bad-${i}` : "sk-good", `192.0.2.${worker * 50 + i}`));
        } catch {
          failed++;
        }
      }
    };
    const traffic = Promise.all([0, 1, 2].map(load));
    await waitFor(() => answers.length >= 30);
    await set.master.kill();
    await traffic;
    expect(failed).toBe(0);
    expect(answers).toHaveLength(150);
    expect(answers.every((s) => s === 200 || s === 401)).toBe(true);

    await waitFor(() => masterPort(set) === set.replica.port, 15_000);
    await waitFor(() => apps.every((a) => !a.middleware.guard.degraded), 15_000);
    const before = bruteForce().length;
    const attacker = "198.51.100.71";
    for (let i = 0; i < 10; i++) {
      await get(apps[i % 3]!, `sk-wrong-${i}`, attacker);
      await idle();
    }
    expect(bruteForce()).toHaveLength(before + 1);
    expect(bruteForce().at(-1)).toMatchObject({ count: 10, subject: { ip: attacker } });
    await waitFor(() => apps.every((a) => a.middleware.guard.blocked({ ip: attacker }) !== undefined), 1000);
    for (const { records } of logs) {
      const storeLines = records.filter((r) => typeof r.msg === "string" && (r.msg as string).includes("shared store"));
      expect(storeLines.length).toBeLessThanOrEqual(5);
    }
  }, 60_000);
});
