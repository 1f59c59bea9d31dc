import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express, { type NextFunction, type Request, type Response } from "express";
import { afterEach, describe, expect, it } from "vitest";
import { elizaGuard } from "../../src/detect/eliza.js";
import type { AccessEvent } from "../../src/detect/event.js";
import { alertsIn, capturingLogger, waitFor } from "./support.js";

/**
 * elizaGuard() on an app wired the way @elizaos/server 1.7 wires its own (read from its dist): the guard in
 * the middlewares, a key check under /api that reads only X-API-KEY, static files, then a catch-all that
 * answers index.html for every other path. The real server runs in eliza-e2e.test.ts; this keeps the
 * held-out tools' cases (a scan with no file names, Bearer guessing) fast.
 */
const KEY = "unit-server-key-3c9e1f";
const servers: Server[] = [];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of servers.splice(0)) s.close();
  for (const c of closers.splice(0)) await c();
});

async function startElizaShaped() {
  const { logger, records } = capturingLogger();
  const events: AccessEvent[] = [];
  const guard = elizaGuard({ authToken: KEY, mode: "enforce", logger, onEvent: (e) => events.push(e) });
  closers.push(() => guard.close());
  const client = mkdtempSync(join(tmpdir(), "rampart-eliza-ui-"));
  writeFileSync(join(client, "index.html"), "<!doctype html><title>ElizaOS - Client</title>");
  writeFileSync(join(client, "favicon.ico"), "icon");
  const app = express();
  app.use(guard);
  app.use(express.static(client));
  app.use("/api", (req: Request & { isServerAuthenticated?: boolean }, res: Response, next: NextFunction) => {
    if (req.get("x-api-key") !== KEY) return void res.status(401).json({ error: "API key required" });
    req.isServerAuthenticated = true;
    next();
  });
  app.get("/api/agents", (_req, res) => void res.json({ agents: [] }));
  app.use((_req: Request, res: Response) => void res.sendFile("index.html", { root: client }));
  const server = app.listen(0, "127.0.0.1");
  servers.push(server);
  await once(server, "listening");
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, events, records };
}

describe("elizaGuard on an elizaOS-shaped app", () => {
  it("sees the catch-all page at a path the web UI does not route as a 404, and its own pages as pages", async () => {
    const { base, events } = await startElizaShaped();
    for (const path of ["/", "/chat/5f1c0a2e-0000-4000-8000-000000000001", "/settings/", "/logs", "/backup", "/admin/config", "/favicon.ico"])
      await (await fetch(base + path)).arrayBuffer();
    await waitFor(() => events.length === 7);
    const status = Object.fromEntries(events.map((e) => [e.path, e.status]));
    expect(status).toEqual({
      "/": 200,
      "/chat/5f1c0a2e-0000-4000-8000-000000000001": 200,
      "/settings/": 200,
      "/logs": 200,
      "/backup": 404,
      "/admin/config": 404,
      "/favicon.ico": 200,
    });
  });

  it("catches a path scan with a browser agent and no file names, which the catch-all answers 200", async () => {
    const { base, records } = await startElizaShaped();
    const browser = { "user-agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36" };
    for (const word of ["admin", "backup", "config", "db", "old", "test", "tmp", "upload", "private", "staging", "internal", "dev"])
      await (await fetch(`${base}/${word}`, { headers: browser })).arrayBuffer();
    await waitFor(() => alertsIn(records).some((a) => a.rule === "path-scan"));
    expect((await fetch(`${base}/`, { headers: browser })).status).toBe(403);
  });

  it("counts an Authorization: Bearer guess, a header elizaOS never reads, as a wrong credential named by its hash", async () => {
    const { base, events, records } = await startElizaShaped();
    // A keyless request (the UI before the key is entered) stays `missing`, with no principal.
    await (await fetch(`${base}/api/system/version`)).arrayBuffer();
    await waitFor(() => events.length === 1);
    const keyless = events.shift()!;
    expect(keyless).toMatchObject({ status: 401, auth: "missing" });
    expect(keyless.principal).toBeUndefined();
    for (let i = 0; i < 6; i++) await (await fetch(`${base}/api/agents`, { headers: { authorization: `Bearer guess-${i}-bearer` } })).arrayBuffer();
    await waitFor(() => alertsIn(records).some((a) => a.rule === "credential-stuffing"));
    const first = events[0]!;
    expect(first).toMatchObject({ status: 401, auth: "invalid" });
    expect(first.principal).toMatch(/^key:[0-9a-f]{16}$/);
    expect(new Set(events.slice(0, 5).map((e) => e.principal)).size).toBe(5);
    expect(JSON.stringify([events, records])).not.toContain("bearer");
  });
});
