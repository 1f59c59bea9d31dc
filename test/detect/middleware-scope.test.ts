import { once } from "node:events";
import type { Server } from "node:http";
import { request } from "node:http";
import { type AddressInfo, connect } from "node:net";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import type { AccessEvent } from "../../src/detect/event.js";
import { type SuspiciousAccessOptions, suspiciousAccess } from "../../src/detect/express.js";
import { alertsIn, capturingLogger, waitFor } from "./support.js";

const servers: Server[] = [];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of servers.splice(0)) s.close();
  for (const c of closers.splice(0)) await c();
});

/** An agent-server-shaped app: middleware first, then the JSON parser, a key check under /api, a UI page and a slow route. */
async function startApp(options: SuspiciousAccessOptions) {
  const { logger, records } = capturingLogger();
  const app = express();
  const middleware = suspiciousAccess({ logger, ...options });
  closers.push(() => middleware.close());
  app.use(middleware);
  app.use(express.json());
  app.get("/", (_req, res) => void res.type("html").send("<html>enter your key</html>"));
  app.get("/slow", (_req, res) => void setTimeout(() => res.end("late"), 2000));
  app.use("/api", (req, res, next) => {
    if (req.get("x-api-key") === "sk-good") return next();
    res.status(401).json({ error: "bad key" });
  });
  app.post("/api/messages", (_req, res) => void res.status(201).json({ ok: true }));
  const server = app.listen(0, "127.0.0.1");
  servers.push(server);
  await once(server, "listening");
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, middleware, records };
}

describe("blocks scoped to what the rule is about", () => {
  it("a key guesser is refused API calls and auth attempts, but the page where a person fixes the key stays open", async () => {
    const { base, records } = await startApp({ mode: "enforce" });
    for (let i = 0; i < 10; i++) await fetch(`${base}/api/messages`, { method: "POST", headers: { "x-api-key": `guess-${i}` } });
    await waitFor(() => alertsIn(records).some((a) => a.rule === "brute-force"));
    expect((await fetch(`${base}/api/messages`, { method: "POST", headers: { "x-api-key": "guess-x" } })).status).toBe(429);
    expect((await fetch(`${base}/api/messages`, { method: "POST" })).status).toBe(429);
    expect((await fetch(`${base}/`)).status).toBe(200);
  });

  it("path-scan blocks stay whole-address", async () => {
    const { base, records } = await startApp({ mode: "enforce" });
    await fetch(`${base}/.env`);
    await waitFor(() => alertsIn(records).some((a) => a.rule === "path-scan"));
    expect((await fetch(`${base}/`)).status).toBe(403);
  });
});

describe("injection probes in parsed request bodies", () => {
  it("alerts on sqlmap's payload in a JSON body and blocks the source in enforce mode; the event log gets a redacted excerpt", async () => {
    const events: AccessEvent[] = [];
    const { base, records } = await startApp({ mode: "enforce", onEvent: (e) => events.push(e) });
    const post = (body: unknown) =>
      fetch(`${base}/api/messages`, { method: "POST", headers: { "x-api-key": "sk-good", "content-type": "application/json" }, body: JSON.stringify(body) });
    const planted = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
    expect((await post({ content: `my token is ${planted}, how do I select rows from a table?`, apiKey: "sk-plain-value" })).status).toBe(201);
    expect((await post({ channel_id: "1 AND 4521=4521", content: "hi" })).status).toBe(201);
    await waitFor(() => alertsIn(records).some((a) => a.rule === "injection-probe"));
    expect((await post({ content: "hello" })).status).toBe(403);
    expect(alertsIn(records).filter((a) => a.rule === "injection-probe")).toHaveLength(1);
    await waitFor(() => events.length === 3);
    const logged = JSON.stringify(events);
    expect(logged).toContain("4521=4521");
    expect(logged).not.toContain(planted);
    expect(logged).not.toContain("sk-plain-value");
  });

  it("reads a bounded excerpt of a huge, deep body and never more", async () => {
    const events: AccessEvent[] = [];
    const { base } = await startApp({ onEvent: (e) => events.push(e) });
    let deep: unknown = { payload: "1 UNION ALL SELECT password FROM users" };
    for (let i = 0; i < 50; i++) deep = { next: deep };
    const wide = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`f${i}`, "x".repeat(100)]));
    await fetch(`${base}/api/messages`, {
      method: "POST",
      headers: { "x-api-key": "sk-good", "content-type": "application/json" },
      body: JSON.stringify({ deep, wide }),
    });
    await waitFor(() => events.length === 1);
    expect(events[0]!.body!.length).toBeLessThanOrEqual(2048);
    expect(events[0]!.body).not.toContain("UNION");
  });
});

describe("aborted requests", () => {
  it("a request the client hangs up on is recorded with status 499 and counted by the rules", async () => {
    const events: AccessEvent[] = [];
    const { base, records } = await startApp({ onEvent: (e) => events.push(e) });
    const { port } = new URL(base);
    for (const path of ["/slow?x=../../../../etc/passwd", "/slow"]) {
      const req = request({ host: "127.0.0.1", port, path });
      req.on("error", () => undefined);
      req.end();
      await new Promise((r) => setTimeout(r, 100));
      req.destroy();
    }
    await waitFor(() => events.length === 2);
    expect(events.map((e) => e.status)).toEqual([499, 499]);
    await waitFor(() => alertsIn(records).some((a) => a.rule === "injection-probe"));
  });

  it("on a keep-alive connection, a finished request and the next one the client hangs up on are each recorded once", async () => {
    const events: AccessEvent[] = [];
    const { base } = await startApp({ onEvent: (e) => events.push(e) });
    const socket = connect(Number(new URL(base).port), "127.0.0.1");
    await once(socket, "connect");
    socket.write("GET /?first HTTP/1.1\r\nHost: t\r\n\r\n");
    await waitFor(() => events.length === 1);
    socket.write("GET /slow?second HTTP/1.1\r\nHost: t\r\n\r\n");
    await new Promise((r) => setTimeout(r, 100));
    socket.destroy();
    await waitFor(() => events.length === 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(events.map((e) => [e.path, e.status, e.ip])).toEqual([
      ["/?first", 200, "127.0.0.1"],
      ["/slow?second", 499, "127.0.0.1"],
    ]);
  });
});
