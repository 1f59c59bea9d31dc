import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { suspiciousAccess } from "../../src/detect/express.js";
import { alertsIn, capturingLogger, waitFor } from "./support.js";

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  server.close();
  return port;
}

let redisPort = 0;
let redis: ChildProcess | undefined;

async function startRedis(): Promise<void> {
  redis = spawn("redis-server", ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const probe = new Redis(redisPort, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
  probe.on("error", () => undefined); // refused while redis-server is still starting
  for (let i = 0; i < 100; i++) {
    try {
      await probe.connect().catch(() => undefined);
      if ((await probe.ping()) === "PONG") break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  probe.disconnect();
}

async function stopRedis(): Promise<void> {
  if (!redis || redis.exitCode !== null) return;
  const exited = once(redis, "exit");
  redis.kill("SIGKILL");
  await exited;
}

const servers: Server[] = [];
const middlewares: Array<ReturnType<typeof suspiciousAccess>> = [];

async function instance(logger: ReturnType<typeof capturingLogger>["logger"]): Promise<string> {
  const app = express();
  const middleware = suspiciousAccess({ logger, mode: "enforce", store: { redis: `redis://127.0.0.1:${redisPort}` } });
  middlewares.push(middleware);
  app.use(middleware);
  app.get("/api/agents", (req, res) => {
    const key = req.header("x-api-key");
    if (key !== "sk-good") {
      res.locals.rampart = { auth: "invalid" };
      res.status(401).json({ error: "bad key" });
      return;
    }
    res.locals.rampart = { auth: "ok", principal: "key:good", tenant: "acme" };
    res.json({ agents: [] });
  });
  const server = app.listen(0, "127.0.0.1");
  servers.push(server);
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("two instances sharing a real redis-server", () => {
  beforeAll(async () => {
    redisPort = await freePort();
    await startRedis();
  });
  afterAll(async () => {
    for (const s of servers) s.close();
    for (const m of middlewares) await m.close();
    await stopRedis();
  });

  it("catches an attacker alternating between instances on the combined count, blocks on both, and loses no request when Redis dies", async () => {
    const { logger, records } = capturingLogger();
    const a = await instance(logger);
    const b = await instance(logger);
    await waitFor(() => middlewares.every((m) => !m.guard.degraded));
    const idle = () => Promise.all(middlewares.map((m) => m.guard.idle()));

    // Twelve failures, six per instance: each instance alone stays under the threshold of ten.
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await fetch(`${i % 2 ? b : a}/api/agents`, { headers: { "x-api-key": `sk-wrong-${i}` } })).status);
      await idle();
    }
    const alerts = alertsIn(records).filter((r) => r.rule === "brute-force");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ count: 10, action: "block", subject: { ip: "127.0.0.1" } });
    // The block reaches the other instance through Redis.
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    expect((await fetch(`${a}/api/agents`, { headers: { "x-api-key": "sk-good" } })).status).toBe(429);
    expect((await fetch(`${b}/api/agents`, { headers: { "x-api-key": "sk-good" } })).status).toBe(429);

    // Redis dies while traffic flows: every request still gets an answer.
    const client = new Redis(redisPort, "127.0.0.1");
    await client.flushall();
    client.disconnect();
    for (const m of middlewares) m.guard.detector.rememberBlock("ip:127.0.0.1", { until: 0, status: 429, rule: "brute-force" });
    const answers: number[] = [];
    const traffic = (async () => {
      for (let i = 0; i < 60; i++) {
        const res = await fetch(`${i % 2 ? b : a}/api/agents`, { headers: { "x-api-key": "sk-good" } });
        answers.push(res.status);
      }
    })();
    await waitFor(() => answers.length >= 20);
    await stopRedis();
    await traffic;
    expect(answers).toHaveLength(60);
    expect(answers.every((s) => s === 200)).toBe(true);
    await waitFor(() => middlewares.every((m) => m.guard.degraded));

    // Recovery: Redis comes back on the same port and both instances use it again.
    await startRedis();
    await waitFor(() => middlewares.every((m) => !m.guard.degraded), 10_000);
    expect(records.some((r) => r.msg === "rampart shared store connected; shared counting on")).toBe(true);
  });
});
