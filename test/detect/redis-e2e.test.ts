import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Meter } from "@opentelemetry/api";
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hashTagOf } from "../../src/detect/redis-keys.js";
import { METRICS } from "../../src/telemetry/metric-names.js";
import {
  type AppInstance,
  appInstance,
  closeApps,
  freePort,
  get,
  type RedisProcess,
  startRedis,
  stopAll,
  untilAnswers,
  warmAlertPath,
  workdir,
} from "./redis-support.js";
import { alertsIn, capturingLogger, waitFor } from "./support.js";

/** Commands whose first argument is a key (or, for PUBLISH and SUBSCRIBE, a channel that must carry the tag too). */
const KEYED = new Set([
  "zadd",
  "zremrangebyscore",
  "zcard",
  "zremrangebyrank",
  "pexpire",
  "pexpireat",
  "zrange",
  "zrangebyscore",
  "zscore",
  "hset",
  "hdel",
  "hmget",
  "publish",
  "subscribe",
  "get",
  "set",
  "mget",
  "del",
]);

/** Every key (or channel) a monitored command names, as groups that one command touches together. */
function keysOf(args: string[]): string[] {
  const name = args[0]!.toLowerCase();
  if (name === "evalsha" || name === "eval") return args.slice(3, 3 + Number(args[2]));
  if (name === "mget" || name === "del") return args.slice(1);
  return KEYED.has(name) ? [args[1]!] : [];
}

const apps: AppInstance[] = [];
const everyLog: Array<Record<string, unknown>> = [];

// The partition test times requests around an alert: the first alert's one-time cost is paid here instead.
beforeAll(warmAlertPath);
afterEach(async () => {
  await closeApps(apps);
});
afterAll(async () => {
  await stopAll();
});

async function instances(n: number, store: Parameters<typeof appInstance>[0]["store"], meter?: Meter) {
  const { logger, records } = capturingLogger();
  for (let i = 0; i < n; i++) apps.push(await appInstance({ logger, store, trustProxy: "loopback", ...(meter ? { meter } : {}) }));
  await waitFor(() => apps.every((a) => !a.middleware.guard.degraded), 10_000);
  everyLog.push(...records);
  return { records, idle: () => Promise.all(apps.map((a) => a.middleware.guard.idle())) };
}

/** A real OpenTelemetry SDK meter, read on demand as an exporter would: the store-degraded gauge by store kind. */
function degradedGauge() {
  const reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  });
  const provider = new MeterProvider({ readers: [reader] });
  const read = async (): Promise<unknown> => {
    const { resourceMetrics } = await reader.collect();
    const gauge = resourceMetrics.scopeMetrics.flatMap((m) => m.metrics).find((m) => m.descriptor.name === METRICS.storeDegraded);
    return gauge?.dataPoints.find((p) => p.attributes.store === "redis")?.value;
  };
  return { meter: provider.getMeter("test"), read, close: () => provider.shutdown() };
}

const storeLines = (records: Array<Record<string, unknown>>) =>
  records.filter((r) => typeof r.msg === "string" && (r.msg as string).includes("shared store")).map((r) => r.msg);

describe("instances sharing one real redis-server", () => {
  it("uses only hash-tagged keys, one slot per command, and sends nothing for a request that is not counted", async () => {
    const redis = await startRedis();
    const watcher = new Redis(redis.port, "127.0.0.1");
    const monitor = await watcher.monitor();
    const commands: Array<{ args: string[]; source: string }> = [];
    monitor.on("monitor", (_time: string, args: string[], source: string) => commands.push({ args, source }));
    const { records, idle } = await instances(2, { redis: `redis://127.0.0.1:${redis.port}` });
    const [a, b] = apps as [AppInstance, AppInstance];

    // Benign traffic: the first authenticated request counts its (principal, network) once; repeats send nothing.
    await get(a, "sk-good");
    await get(b, "sk-good");
    await idle();
    await new Promise((r) => setTimeout(r, 100));
    const quietFrom = commands.length;
    for (let i = 0; i < 50; i++) await get(apps[i % 2]!, "sk-good");
    await idle();
    await new Promise((r) => setTimeout(r, 100));
    expect(commands.slice(quietFrom).map((c) => c.args.join(" "))).toEqual([]);

    // A brute force alternating between the instances: counted on the combined count, one alert, blocked on both.
    const statuses: number[] = [];
    const attempt = async (i: number) => {
      statuses.push(await get(apps[i % 2]!, `sk-wrong-${i}`, "203.0.113.9"));
      await idle();
    };
    for (let i = 0; i < 10; i++) await attempt(i);
    // The block reaches the other instance by subscription, a moment after the tenth failure.
    await waitFor(() => apps.every((x) => x.middleware.guard.blocked({ ip: "203.0.113.9" }) !== undefined), 1000);
    for (let i = 10; i < 12; i++) await attempt(i);
    const alerts = alertsIn(records).filter((r) => r.rule === "brute-force");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ count: 10, action: "block", subject: { ip: "203.0.113.9" } });
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(await get(a, "sk-good", "203.0.113.9")).toBe(429);
    expect(await get(b, "sk-good", "203.0.113.9")).toBe(429);
    await new Promise((r) => setTimeout(r, 100));
    monitor.disconnect();
    watcher.disconnect();

    // Every key any command touched carries a non-empty hash tag, and the keys of one command share it.
    const keyed = commands.map((c) => ({ command: c.args.join(" ").slice(0, 120), keys: keysOf(c.args) })).filter((c) => c.keys.length > 0);
    expect(keyed.length).toBeGreaterThan(20);
    for (const { command, keys } of keyed) {
      const tags = new Set(keys.map(hashTagOf));
      expect(tags.has(undefined), `untagged key in: ${command}`).toBe(false);
      expect(tags.size, `keys of one command in different slots: ${command}`).toBe(1);
    }
    // The request path never reads a block from Redis: blocks arrive by subscription.
    expect(commands.filter((c) => /^(mget|get)$/i.test(c.args[0]!))).toEqual([]);
  });

  it("token sharing across instances: one alert for the fleet at six networks, and the networks after it refused on every instance", async () => {
    const redis = await startRedis();
    const { records, idle } = await instances(2, { redis: `redis://127.0.0.1:${redis.port}` });
    const from = (i: number) => `198.51.${i}.9`;
    for (let i = 1; i <= 8; i++) {
      await get(apps[i % 2]!, "sk-good", from(i));
      await idle();
    }
    const alerts = alertsIn(records).filter((r) => r.rule === "token-sharing");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ count: 6, subject: { principal: "key:good" } });
    expect((alerts[0]!.networks as string[])[0]).toBe("198.51.6.0/24");
    // The sixth network and the two after it are refused for this key on both instances; the first is not.
    for (const i of [6, 7, 8])
      await waitFor(() => apps.every((x) => x.middleware.guard.blocked({ ip: from(i), principal: "key:good" })?.scope === "pair"), 1000);
    for (const app of apps) expect(app.middleware.guard.blocked({ ip: from(1), principal: "key:good" })).toBeUndefined();
  });

  it("a partition (redis-server stopped with SIGSTOP) and then an outage: no request waits or fails, counting goes local and catches up, blocks made meanwhile are shared", async () => {
    let redis: RedisProcess = await startRedis();
    const port = redis.port;
    const gauge = degradedGauge();
    const { records, idle } = await instances(2, { redis: `redis://127.0.0.1:${port}`, timeoutMs: 100 }, gauge.meter);
    const [a, b] = apps as [AppInstance, AppInstance];
    expect(await gauge.read()).toBe(0);

    redis.pause();
    let slowest = 0;
    const statuses: number[] = [];
    // Ten failures on instance a while Redis does not answer: detected and blocked locally at the tenth.
    for (let i = 0; i < 12; i++) {
      const started = performance.now();
      statuses.push(await get(a, `sk-wrong-${i}`, "198.51.100.5"));
      slowest = Math.max(slowest, performance.now() - started);
      await idle();
    }
    expect(a.middleware.guard.degraded).toBe(true);
    expect(await gauge.read()).toBe(1);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    // Requests do not wait on the stopped Redis (counting runs after the response, bounded by timeoutMs).
    expect(slowest).toBeLessThan(100);
    expect(b.middleware.guard.blocked({ ip: "198.51.100.5" })).toBeUndefined();

    // Back: the block made during the partition reaches instance b; the hits counted meanwhile go to Redis.
    redis.resume();
    await waitFor(() => apps.every((x) => !x.middleware.guard.degraded), 10_000);
    expect(await gauge.read()).toBe(0);
    await waitFor(() => b.middleware.guard.blocked({ ip: "198.51.100.5" }) !== undefined, 5000);
    expect(await get(b, "sk-good", "198.51.100.5")).toBe(429);
    const recovered = records.filter((r) => r.msg === "rampart shared store recovered; shared counting on");
    expect(recovered.length).toBeGreaterThanOrEqual(1);
    expect(recovered.reduce((n, r) => n + Number(r.replayedHits), 0)).toBeGreaterThanOrEqual(10);

    // A full outage: Redis dies while traffic flows; every request gets its answer.
    const answers: number[] = [];
    const traffic = (async () => {
      for (let i = 0; i < 60; i++) answers.push(await get(apps[i % 2]!, "sk-good"));
    })();
    await waitFor(() => answers.length >= 20);
    await redis.kill();
    await traffic;
    expect(answers).toHaveLength(60);
    expect(answers.every((s) => s === 200)).toBe(true);
    // Failures during the outage, a brute force on b: blocked locally, then shared with a once Redis is back.
    for (let i = 0; i < 10; i++) {
      await get(b, `sk-wrong-${i}`, "198.51.100.6");
      await idle();
    }
    expect(b.middleware.guard.blocked({ ip: "198.51.100.6" })).toBeDefined();
    await waitFor(() => apps.every((x) => x.middleware.guard.degraded));
    redis = await startRedis([], { port });
    await waitFor(() => apps.every((x) => !x.middleware.guard.degraded), 10_000);
    await waitFor(() => a.middleware.guard.blocked({ ip: "198.51.100.6" }) !== undefined, 5000);
    expect(await get(a, "sk-good", "198.51.100.6")).toBe(429);
    // One line per change, never one per request.
    expect(storeLines(records).length).toBeLessThanOrEqual(2 + 2 * 2 * 2);
    expect(records.filter((r) => r.level === 50)).toEqual([]);
    await closeApps(apps);
    await gauge.close();
  });

  it("reaches a Redis that needs TLS and a password through rediss://; a wrong password is one warning and never logged", async () => {
    const dir = workdir();
    const cert = join(dir, "cert.pem");
    const key = join(dir, "key.pem");
    const made = spawnSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ],
      { encoding: "utf8" },
    );
    expect(made.status).toBe(0);
    const password = "tls-Pw-7e1f0c9a42";
    const tlsPort = await freePort();
    // TLS only: `--port 0` turns the plain port off.
    const redis = await startRedis(
      [
        "--tls-port",
        String(tlsPort),
        "--tls-cert-file",
        cert,
        "--tls-key-file",
        key,
        "--tls-ca-cert-file",
        cert,
        "--tls-auth-clients",
        "no",
        "--requirepass",
        password,
        "--port",
        "0",
      ],
      { probe: false },
    );
    const ca = readFileSync(cert);
    const probe = new Redis({ port: tlsPort, host: "127.0.0.1", password, tls: { ca }, lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 0 });
    probe.on("error", () => undefined);
    await waitFor(() => {
      void probe.connect().catch(() => undefined);
      return probe.status === "ready";
    }, 5000);
    probe.disconnect();
    expect(redis.process.exitCode).toBeNull();

    const { records, idle } = await instances(2, { redis: `rediss://:${password}@127.0.0.1:${tlsPort}`, tls: { ca } });
    for (let i = 0; i < 10; i++) {
      await get(apps[i % 2]!, `sk-wrong-${i}`, "203.0.113.50");
      await idle();
    }
    expect(alertsIn(records).filter((r) => r.rule === "brute-force")).toMatchObject([{ count: 10, subject: { ip: "203.0.113.50" } }]);
    await waitFor(() => apps.every((x) => x.middleware.guard.blocked({ ip: "203.0.113.50" }) !== undefined), 1000);
    await closeApps(apps);

    const wrong = capturingLogger();
    apps.push(await appInstance({ logger: wrong.logger, store: { redis: `rediss://:not-${password}@127.0.0.1:${tlsPort}`, tls: { ca } } }));
    for (let i = 0; i < 20; i++) await get(apps[0]!, `sk-wrong-${i}`);
    await new Promise((r) => setTimeout(r, 500));
    expect(apps[0]!.middleware.guard.degraded).toBe(true);
    expect(storeLines(wrong.records)).toEqual(["rampart shared store unreachable; counting locally until it is back (requests proceed)"]);
    expect(JSON.stringify([...wrong.records, ...records])).not.toContain(password);
  });

  it("takes an ioredis client the app already has and leaves it open on close; a later instance loads the active blocks", async () => {
    const redis = await startRedis();
    const client = new Redis(redis.port, "127.0.0.1");
    const { records, idle } = await instances(2, { redis: client });
    for (let i = 0; i < 10; i++) {
      await get(apps[i % 2]!, `sk-wrong-${i}`, "203.0.113.60");
      await idle();
    }
    expect(alertsIn(records).filter((r) => r.rule === "brute-force")).toMatchObject([{ count: 10 }]);
    await waitFor(() => apps.every((x) => x.middleware.guard.blocked({ ip: "203.0.113.60" }) !== undefined), 1000);
    // An instance that starts later reads the active blocks once when it connects: nothing is published again.
    const late = await appInstance({ logger: capturingLogger().logger, store: { redis: `redis://127.0.0.1:${redis.port}` } });
    apps.push(late);
    await waitFor(() => late.middleware.guard.blocked({ ip: "203.0.113.60" }) !== undefined, 2000);
    expect(late.middleware.guard.blocked({ ip: "203.0.113.60" })).toMatchObject({ rule: "brute-force", status: 429 });
    await closeApps(apps);
    expect(await client.ping()).toBe("PONG");
    client.disconnect();
    await untilAnswers(redis.port);
  });
});
