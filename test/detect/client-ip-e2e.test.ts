import { once } from "node:events";
import { createServer, type IncomingMessage, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Alert } from "../../src/detect/alert.js";
import { redactionReady } from "../../src/detect/alert-redaction.js";
import { type SuspiciousAccessOptions, suspiciousAccess } from "../../src/detect/express.js";
import { capturingLogger } from "./support.js";

// The scanner behind alert redaction loads on the first report, and reports wait for it (lazy-redaction.test.ts):
// loaded up front here, so each alert is written when it is raised and a test can read it at once.
beforeAll(() => redactionReady());

/**
 * Clients on 127.0.0.2 and 127.0.0.3 talk to a real reverse proxy on 127.0.0.1, which forwards to a real
 * Express app over its own loopback connection (from 127.0.0.1) and appends the client to X-Forwarded-For. Only
 * 127.0.0.1 is trusted, so the proxy is believed and the clients are not (issue 15, point 2).
 */
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

type ProxyStyle = "plain" | "with-port";

async function listen(server: Server): Promise<number> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  closers.push(() => void server.close());
  return (server.address() as AddressInfo).port;
}

async function startApp(options: SuspiciousAccessOptions): Promise<{ port: number; alerts: Alert[]; seen: string[] }> {
  const alerts: Alert[] = [];
  const seen: string[] = [];
  const app = express();
  app.set("trust proxy", "127.0.0.1");
  const middleware = suspiciousAccess({ logger: capturingLogger().logger, onAlert: (a) => alerts.push(a), ...options });
  closers.push(() => middleware.close());
  app.use(middleware);
  app.use((req, _res, next) => {
    seen.push(req.ip ?? "");
    next();
  });
  app.get("/ok", (_req, res) => {
    res.json({ ok: true });
  });
  return { port: await listen(createServer(app)), alerts, seen };
}

/** A reverse proxy: passes the client's headers on and appends the client address (`ip` or `ip:port`). */
async function startProxy(upstream: number, style: ProxyStyle): Promise<number> {
  const proxy = createServer((req, res) => {
    const client = style === "with-port" ? `${req.socket.remoteAddress}:${req.socket.remotePort}` : req.socket.remoteAddress!;
    const prior = req.headers["x-forwarded-for"];
    const headers = { ...req.headers, "x-forwarded-for": prior ? `${prior}, ${client}` : client };
    const out = request(
      { host: "127.0.0.1", localAddress: "127.0.0.1", port: upstream, method: req.method, path: req.url, headers, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on("error", () => res.writeHead(502).end());
    req.pipe(out);
  });
  return listen(proxy);
}

function get(port: number, path: string, from: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, localAddress: from, headers, agent: false }, (res: IncomingMessage) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

const settle = () => new Promise((r) => setTimeout(r, 50));

describe("client addresses through a real loopback proxy", () => {
  it("a Forwarded header sent by the client does not become its address", async () => {
    const app = await startApp({ trustProxy: ["127.0.0.1"] });
    const proxy = await startProxy(app.port, "plain");
    await get(proxy, "/.env", "127.0.0.2", { forwarded: "for=203.0.113.99" });
    await settle();
    expect(app.alerts.map((a) => a.subject.ip)).toEqual(["127.0.0.2"]);
    expect(app.seen).toEqual(["127.0.0.2"]); // Express's own req.ip agrees
  });

  it("a proxy that writes ip:port keeps clients apart: one client's probe does not get another a 403 in enforce mode", async () => {
    const app = await startApp({ trustProxy: ["127.0.0.1"], mode: "enforce" });
    const proxy = await startProxy(app.port, "with-port");
    expect(await get(proxy, "/.env", "127.0.0.2")).toBe(404);
    await settle();
    expect(app.alerts.map((a) => [a.rule, a.action, a.subject.ip])).toEqual([["path-scan", "block", "127.0.0.2"]]);
    expect(await get(proxy, "/ok", "127.0.0.2")).toBe(403);
    expect(await get(proxy, "/ok", "127.0.0.3")).toBe(200);
  });

  it("reads Forwarded instead when that is the configured header, and then ignores X-Forwarded-For", async () => {
    const app = await startApp({ trustProxy: ["127.0.0.1"], forwardedHeader: "forwarded" });
    // A client talking straight to the app (no proxy in between) is the TCP peer whatever it claims.
    await get(app.port, "/.env", "127.0.0.1", { forwarded: 'for="[2001:db8::7]:443"', "x-forwarded-for": "198.51.100.1" });
    await settle();
    expect(app.alerts.map((a) => a.subject.ip)).toEqual(["2001:db8::7"]);
  });
});
