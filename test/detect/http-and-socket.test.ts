import { createServer, type Server } from "node:http";
import { connect as connectHttp2, createServer as createHttp2Server, type Http2Server } from "node:http2";
import type { AddressInfo } from "node:net";
import { Server as SocketServer } from "socket.io";
import { io as connect } from "socket.io-client";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { redactionReady } from "../../src/detect/alert-redaction.js";
import { withSuspiciousAccess } from "../../src/detect/http.js";
import { type SocketGuardOptions, socketAuthGuard } from "../../src/detect/socket-io.js";
import { alertsIn, capturingLogger } from "./support.js";

// The scanner behind alert redaction loads on the first report, and reports wait for it (lazy-redaction.test.ts):
// loaded up front here, so each alert is written when it is raised and a test can read it at once.
beforeAll(() => redactionReady());

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("rampart/http: the plain node:http wrapper", () => {
  it("alerts on key guessing, then refuses the source with 429 in enforce mode", async () => {
    const { logger, records } = capturingLogger();
    const listener = withSuspiciousAccess(
      (req, res) => {
        const ok = req.headers["x-api-key"] === "good";
        (res as typeof res & { locals: Record<string, unknown> }).locals.rampart = ok ? { principal: "key:k1", auth: "ok" } : { auth: "invalid" };
        res.writeHead(ok ? 200 : 401).end();
      },
      { mode: "enforce", logger },
    );
    cleanups.push(() => listener.close());
    const base = await listen(createServer(listener));
    expect((await fetch(`${base}/api/agents`, { headers: { "x-api-key": "good" } })).status).toBe(200);
    for (let i = 0; i < 12; i++) await fetch(`${base}/api/agents`, { headers: { "x-api-key": `guess-${i}` } });
    expect(alertsIn(records).map((a) => a.rule)).toContain("brute-force");
    expect((await fetch(`${base}/api/agents`, { headers: { "x-api-key": "good" } })).status).toBe(429);
  });

  it("a failing enrichment hook is logged and counted, and the request is answered", async () => {
    const { logger, records } = capturingLogger();
    const listener = withSuspiciousAccess((_req, res) => void res.writeHead(200).end("ok"), {
      logger,
      enrich: () => {
        throw new Error("enrichment exploded");
      },
    });
    cleanups.push(() => listener.close());
    const base = await listen(createServer(listener));
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok");
    expect(records.some((r) => r.msg === "rampart detector error (request proceeds)")).toBe(true);
  });
});

describe("responses Node does not announce on its http diagnostics channel", () => {
  it("HTTP/2 compatibility responses are still seen: key guessing over h2c raises an alert", async () => {
    const { logger, records } = capturingLogger();
    const listener = withSuspiciousAccess(
      (_req, res) => {
        (res as typeof res & { locals: Record<string, unknown> }).locals.rampart = { auth: "invalid" };
        res.writeHead(401).end();
      },
      { logger },
    );
    cleanups.push(() => listener.close());
    const server: Http2Server = createHttp2Server(listener as never);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const client = connectHttp2(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    cleanups.push(() => client.close());
    for (let i = 0; i < 12; i++) {
      await new Promise<void>((resolve, reject) => {
        const stream = client.request({ ":path": "/api/agents", "x-api-key": `guess-${i}` });
        stream.on("response", (headers) => expect(headers[":status"]).toBe(401));
        stream.resume();
        stream.on("end", resolve);
        stream.on("error", reject);
      });
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(alertsIn(records).map((a) => a.rule)).toContain("brute-force");
  });
});

describe("rampart/socket.io: connection auth failures feed the same rules", () => {
  async function socketServer(options: Omit<SocketGuardOptions, "logger">) {
    const { logger, records } = capturingLogger();
    const http = createServer();
    const io = new SocketServer(http);
    const guard = socketAuthGuard({ logger, ...options });
    io.use(guard);
    io.on("connection", (socket) => socket.emit("welcome"));
    const base = await listen(http);
    cleanups.push(
      () => guard.close(),
      () => io.close(),
    );
    return { base, records };
  }

  /** Connects once; resolves with "connected" or the server's refusal message. */
  function attempt(base: string, token: string): Promise<string> {
    return new Promise((resolve) => {
      const socket = connect(base, { auth: { token }, reconnection: false, transports: ["websocket"] });
      socket.on("welcome", () => {
        socket.close();
        resolve("connected");
      });
      socket.on("connect_error", (error) => {
        socket.close();
        resolve(error.message);
      });
    });
  }

  const authenticate: SocketGuardOptions["authenticate"] = (socket) =>
    socket.handshake.auth?.token === "good" ? { ok: true, principal: "key:k1" } : { ok: false, reason: "invalid" };

  it("alerts on repeated failed handshakes and refuses the source while it is blocked", async () => {
    const { base, records } = await socketServer({ authenticate, mode: "enforce" });
    expect(await attempt(base, "good")).toBe("connected");
    // brute-force fires at the tenth failure (rules/detect/brute-force.yaml); from then on the source is refused.
    for (let i = 0; i < 10; i++) expect(await attempt(base, `guess-${i}`)).toBe("authentication failed");
    const alert = alertsIn(records).find((a) => a.rule === "brute-force");
    expect(alert).toMatchObject({ action: "block", subject: { ip: "127.0.0.1" } });
    expect(await attempt(base, "good")).toBe("blocked");
  });

  it("an authenticate hook that throws refuses that connection only; the server keeps accepting", async () => {
    let calls = 0;
    const { base, records } = await socketServer({
      authenticate: (socket) => {
        if (calls++ === 0) throw new Error("auth backend down");
        return authenticate(socket);
      },
    });
    expect(await attempt(base, "good")).toBe("authentication failed");
    expect(records.some((r) => r.component === "socket.io")).toBe(true);
    expect(await attempt(base, "good")).toBe("connected");
  });
});
