import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import express, { type RequestHandler } from "express";
import { type Logger, pino } from "pino";

/** A real pino logger whose records land in an array, so tests read what operators would see. */
export function capturingLogger(): { logger: Logger; records: Array<Record<string, unknown>> } {
  const records: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) records.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), records };
}

export function alertsIn(records: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return records.filter((r) => r.event === "rampart.detection");
}

export async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A real Express app on 127.0.0.1 with the given middleware in front of `/api`, which answers 401 to every
 * request as a wrong key would (the shape brute-force counts). `close` stops the server and the middleware.
 */
export async function serveWrongKeyApi(middleware: RequestHandler & { close(): Promise<void> }): Promise<{ base: string; close(): Promise<void> }> {
  const app = express();
  app.use(middleware);
  app.get("/api", (_req, res) => {
    res.locals.rampart = { auth: "invalid" };
    res.status(401).end();
  });
  const server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.close();
      await middleware.close();
    },
  };
}
