import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { redactionReady } from "../../src/detect/alert-redaction.js";
import { type SuspiciousAccessOptions, suspiciousAccess } from "../../src/detect/express.js";
import type { DetectStore } from "../../src/detect/store.js";
import { alertsIn, capturingLogger, waitFor } from "./support.js";

// The scanner behind alert redaction loads on the first report, and reports wait for it (lazy-redaction.test.ts):
// loaded up front here, so each alert is written when it is raised and a test can read it at once.
beforeAll(() => redactionReady());

const KEYS: Record<string, { principal: string; tenant: string }> = {
  "sk-good-1": { principal: "key:k1", tenant: "acme" },
  "sk-good-2": { principal: "key:k2", tenant: "globex" },
};

const servers: Server[] = [];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of servers.splice(0)) s.close();
  for (const c of closers.splice(0)) await c();
});

async function startApp(options: SuspiciousAccessOptions): Promise<{ base: string; middleware: ReturnType<typeof suspiciousAccess> }> {
  const app = express();
  const middleware = suspiciousAccess(options);
  closers.push(() => middleware.close());
  app.use(middleware);
  app.get("/health", (_req, res) => {
    res.json({ ok: true });
  });
  app.get("/api/agents", (req, res) => {
    const key = req.header("x-api-key");
    const who = key ? KEYS[key] : undefined;
    if (!who) {
      res.locals.rampart = { auth: key ? "invalid" : "missing", ...(key ? { principal: `key:${key.slice(0, 6)}` } : {}) };
      res.status(401).json({ error: "bad key" });
      return;
    }
    res.locals.rampart = { auth: "ok", ...who };
    res.json({ agents: [] });
  });
  const server = app.listen(0, "127.0.0.1");
  servers.push(server);
  await once(server, "listening");
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, middleware };
}

describe("suspiciousAccess with a real Express app over loopback", () => {
  it("monitor mode (the default) alerts on brute force and never blocks", async () => {
    const { logger, records } = capturingLogger();
    const { base, middleware } = await startApp({ logger });
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) statuses.push((await fetch(`${base}/api/agents`, { headers: { "x-api-key": `sk-wrong-${i}` } })).status);
    await middleware.guard.idle();
    expect(statuses.every((s) => s === 401)).toBe(true);
    const alerts = alertsIn(records);
    expect(alerts.map((a) => a.rule)).toContain("brute-force");
    const brute = alerts.find((a) => a.rule === "brute-force")!;
    expect(brute).toMatchObject({ severity: "medium", subject: { ip: "127.0.0.1" }, action: "alert", window: "5m", class_uid: 2004 });
    expect(brute.count).toBe(10);
    expect(JSON.stringify(records)).not.toContain("sk-wrong");
  });

  it("enforce mode blocks an attacker with 429 and escalates; a spoofed X-Forwarded-For from an untrusted peer does not help", async () => {
    const { logger, records } = capturingLogger();
    const { base } = await startApp({ logger, mode: "enforce" });
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      const res = await fetch(`${base}/api/agents`, { headers: { "x-api-key": `sk-wrong-${i}`, "x-forwarded-for": `198.51.100.${i}` } });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    // The guessing block refuses API calls (with or without a key), not pages outside the API.
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const blocked = await fetch(`${base}/api/agents`);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(500);
    const alert = alertsIn(records).find((a) => a.rule === "brute-force")!;
    expect(alert).toMatchObject({ action: "block", blockSeconds: 600, subject: { ip: "127.0.0.1" }, disposition: "Blocked" });
  });

  it("enforce mode blocks a path scanner on the first /.env probe, per rule mode", async () => {
    const { logger, records } = capturingLogger();
    const { base } = await startApp({ logger, rules: { "path-scan": { mode: "enforce" } } });
    expect((await fetch(`${base}/.env`)).status).toBe(404);
    expect((await fetch(`${base}/health`)).status).toBe(403);
    expect(alertsIn(records).map((a) => a.rule)).toEqual(["path-scan"]);
  });

  it("behind a trusted proxy the client from X-Forwarded-For is the subject, and other clients keep working", async () => {
    const { logger, records } = capturingLogger();
    const { base } = await startApp({ logger, mode: "enforce", trustProxy: ["loopback"] });
    await fetch(`${base}/.git/config`, { headers: { "x-forwarded-for": "203.0.113.66" } });
    expect((await fetch(`${base}/health`, { headers: { "x-forwarded-for": "203.0.113.66" } })).status).toBe(403);
    expect((await fetch(`${base}/health`, { headers: { "x-forwarded-for": "203.0.113.67" } })).status).toBe(200);
    expect(alertsIn(records)[0]).toMatchObject({ rule: "path-scan", subject: { ip: "203.0.113.66" } });
  });

  it("allow-listed sources are never blocked", async () => {
    const { logger, records } = capturingLogger();
    const { base } = await startApp({ logger, mode: "enforce", allow: { ips: ["127.0.0.0/8"] } });
    await fetch(`${base}/.env`);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect(alertsIn(records)).toEqual([]);
  });

  it("keeps answering when the detector's store fails, counts locally and logs the failure", async () => {
    const { logger, records } = capturingLogger();
    const broken: DetectStore = {
      name: "broken",
      count: () => Promise.reject(new Error("store exploded")),
      setBlock: () => Promise.reject(new Error("store exploded")),
      close: () => Promise.resolve(),
    };
    const { base, middleware } = await startApp({ logger, mode: "enforce", store: broken });
    const ok: number[] = [];
    for (let i = 0; i < 20; i++) ok.push((await fetch(`${base}/api/agents`, { headers: { "x-api-key": "sk-good-1" } })).status);
    expect(ok.every((s) => s === 200)).toBe(true);
    const failures: number[] = [];
    for (let i = 0; i < 12; i++) failures.push((await fetch(`${base}/api/agents`, { headers: { "x-api-key": `sk-bad-${i}` } })).status);
    await middleware.guard.idle();
    await waitFor(() => alertsIn(records).some((a) => a.rule === "brute-force"));
    expect(failures.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(records.some((r) => r.component === "store" && r.error === "store exploded")).toBe(true);
    expect(middleware.guard.degraded).toBe(true);
  });
});
