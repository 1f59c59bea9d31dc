import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { accessEventFrom, type Enrichment } from "../../src/detect/request-event.js";

/** One real request through node:http; `inspect` sees the finished request and response. */
async function exchange(
  headers: Record<string, string>,
  answer: (res: ServerResponse & { locals?: { rampart?: unknown } }) => void,
  inspect: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<void> {
  const server = createServer((req, res) => {
    answer(res);
    res.on("finish", () => inspect(req, res));
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/workspaces/acme/agents?x=1`, { headers });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe("access events built from requests", () => {
  it("formats the event time exactly as Date#toISOString does, across second and millisecond edges", async () => {
    const times = [0, 999, 1000, 1001, -1, Date.parse("1999-12-31T23:59:59.999Z"), Date.parse("2026-12-03T06:44:22.123Z"), 1_700_000_000_000 + 59_999];
    await exchange(
      {},
      () => undefined,
      (req, res) => {
        for (const at of times) expect(accessEventFrom(req, res, "198.51.100.7", undefined, {}, at).time).toBe(new Date(at).toISOString());
      },
    );
  });

  it("takes identity from res.locals.rampart over what was known up front, the enrich hook over both, and drops malformed fields", async () => {
    const seen: Array<ReturnType<typeof accessEventFrom>> = [];
    await exchange(
      { "user-agent": "agent-client/2.0", "x-api-key": "not-a-real-key" },
      (res) => {
        res.statusCode = 401;
        res.locals = { rampart: { principal: "key:k2", tenant: 42, auth: "bogus" } };
      },
      (req, res) => {
        seen.push(accessEventFrom(req, res, "198.51.100.7", undefined, { principal: "key:k1", tenant: "acme" }));
        seen.push(accessEventFrom(req, res, "198.51.100.7", () => ({ tenant: "globex", auth: "revoked" }) as Enrichment, { principal: "key:k1" }));
      },
    );
    expect(seen[0]).toMatchObject({
      ip: "198.51.100.7",
      method: "GET",
      path: "/api/workspaces/acme/agents?x=1",
      status: 401,
      principal: "key:k2",
      tenant: "acme",
      auth: "invalid",
      userAgent: "agent-client/2.0",
    });
    expect(seen[1]).toMatchObject({ principal: "key:k2", tenant: "globex", auth: "revoked" });
  });
});
