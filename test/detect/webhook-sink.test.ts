import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import type { Alert } from "../../src/detect/alert.js";
import { suspiciousAccess } from "../../src/detect/express.js";
import { webhookSink } from "../../src/detect/sinks/webhook-sink.js";
import { freePort } from "../support/ports.js";
import { capturingLogger, waitFor } from "./support.js";

/** A webhook receiver on loopback whose answers the test scripts (500 once, 429 with Retry-After...). */
async function receiver(answers: Array<{ status: number; headers?: Record<string, string> }> = []) {
  const bodies: Array<{ at: number; body: Record<string, unknown> }> = [];
  const server: Server = createServer((req, res) => {
    let text = "";
    req.on("data", (d: Buffer) => (text += d.toString()));
    req.on("end", () => {
      const answer = answers.shift() ?? { status: 204 };
      if (answer.status < 300) bodies.push({ at: Date.now(), body: JSON.parse(text) as Record<string, unknown> });
      res.writeHead(answer.status, answer.headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/T0KEN-IN-PATH`, bodies, requests: () => bodies.length };
}

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

let seq = 0;
function alert(over: Partial<Alert> = {}): Alert {
  const t = new Date(Date.UTC(2026, 10, 24, 10, 0, seq++)).toISOString();
  return {
    rule: "brute-force",
    title: "Authentication failures from one source",
    severity: "medium",
    subject: { ip: "198.51.100.7" },
    count: 12,
    window: "5m",
    firstSeen: t,
    lastSeen: t,
    action: "block",
    blockSeconds: 600,
    mode: "enforce",
    ...over,
  };
}

describe("webhook sinks", () => {
  it("send the generic JSON record, a Slack message and a Discord message", async () => {
    const r = await receiver();
    for (const format of ["json", "slack", "discord"] as const) {
      const sink = webhookSink({ url: r.url, format });
      sink.push(alert({ subject: { ip: "198.51.100.7", principal: "key:k_1", tenant: "acme" } }));
      await sink.close();
    }
    const [json, slack, discord] = r.bodies.map((b) => b.body);
    expect(json).toMatchObject({
      event: "rampart.detection",
      rule: "brute-force",
      severity: "medium",
      subject: { principal: "key:k_1", tenant: "acme" },
      class_uid: 2004,
      repeats: 0,
    });
    expect(slack!.text).toContain("[MEDIUM] Authentication failures from one source: key:k_1/acme/198.51.100.7");
    expect(slack!.blocks).toHaveLength(2);
    expect(discord).toMatchObject({
      allowed_mentions: { parse: [] },
      embeds: [{ title: "Authentication failures from one source", color: expect.any(Number) }],
    });
    expect(discord!.content).toContain("blocked for 600s");
    expect(JSON.stringify(r.bodies)).not.toContain("T0KEN-IN-PATH");
  });

  it("escape Slack and Discord formatting in request-made text: no mention, no hidden link, no markdown", async () => {
    const r = await receiver();
    const hostile = "<!channel> <https://evil.example|click> @everyone *bold* _it_ ~s~ `c` [x](https://evil.example) <@123>";
    for (const format of ["slack", "discord"] as const) {
      const sink = webhookSink({ url: r.url, format });
      sink.push(alert({ subject: { ip: "198.51.100.7", principal: hostile, tenant: "acme" } }));
      await sink.close();
    }
    const [slack, discord] = r.bodies.map((b) => b.body);
    const slackTexts = [String(slack!.text), ...JSON.stringify(slack!.blocks).match(/"text":"[^"]*"/g)!];
    for (const text of slackTexts) {
      expect(text).not.toMatch(/<!channel>|<https?:|<@/);
    }
    expect(slack!.text).toContain("&lt;!channel&gt; &lt;https://evil.example|click&gt;");
    expect(slack!.mrkdwn).toBe(false);
    const fields = (slack!.blocks as Array<{ fields?: Array<{ type: string; text: string }> }>)[1]!.fields!;
    expect(fields.every((f) => f.type === "plain_text")).toBe(true);
    const discordTexts = [String(discord!.content), ...(discord!.embeds as Array<{ fields: Array<{ value: string }> }>)[0]!.fields.map((f) => f.value)];
    for (const text of discordTexts) {
      expect(text).not.toContain("@everyone");
      expect(text).not.toContain("[x](https://evil.example)");
      expect(text).not.toMatch(/(?<!\\)\*bold(?<!\\)\*/);
      expect(text).not.toMatch(/(?<!\\)<@123>/);
    }
    expect(discord!.content).toContain("\\[x\\]\\(https://evil.example\\)");
    expect(discord!.allowed_mentions).toEqual({ parse: [] });
  });

  it("label a principal that is a credential with a keyed hash in every format, never the token", async () => {
    const r = await receiver();
    const token = `ghp_${Array.from(randomBytes(36), (b) => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[b % 62]).join("")}`;
    for (const format of ["json", "slack", "discord"] as const) {
      const sink = webhookSink({ url: r.url, format });
      sink.push(alert({ subject: { ip: "198.51.100.7", principal: `key:${token}` }, blocked: [`p:key:${token}`, `pn:key:${token}@198.51.100.0/24`] }));
      await sink.close();
    }
    const raw = JSON.stringify(r.bodies);
    expect(raw).not.toContain(token);
    expect(raw).not.toContain(token.slice(4, 20));
    const json = r.bodies[0]!.body as { subject: { principal: string }; blocked: string[] };
    expect(json.subject.principal).toMatch(/^cred-[0-9a-f]{16}$/);
    expect(json.blocked).toEqual([`p:${json.subject.principal}`, `pn:${json.subject.principal}@198.51.100.0/24`]);
    expect(String(r.bodies[1]!.body.text)).toContain(json.subject.principal);
  });

  it("retry after a 500, and wait out a 429's Retry-After", async () => {
    const r = await receiver([{ status: 500 }, { status: 429, headers: { "retry-after": "1" } }]);
    const sink = webhookSink({ url: r.url });
    const start = Date.now();
    sink.push(alert());
    await sink.close();
    expect(r.bodies).toHaveLength(1);
    expect(r.bodies[0]!.at - start).toBeGreaterThanOrEqual(1000);
    expect(sink.stats).toMatchObject({ sent: 1, failed: 0 });
  });

  it("give up on a 4xx other than 429 without retrying, and report it without the URL", async () => {
    const r = await receiver([{ status: 404 }]);
    const errors: string[] = [];
    const sink = webhookSink({ url: r.url, onError: (m) => errors.push(m) });
    sink.push(alert());
    await sink.close();
    expect(sink.stats).toMatchObject({ sent: 0, failed: 1 });
    expect(errors[0]).toContain("404");
    expect(errors.join("")).not.toContain("T0KEN-IN-PATH");
  });

  it("de-duplicate the same rule and subject within the window, counting the repeats", async () => {
    const r = await receiver();
    const sink = webhookSink({ url: r.url, dedupeWindow: "10m" });
    for (let i = 0; i < 5; i++) sink.push(alert()); // the first is in flight; the rest fold into it
    for (let i = 0; i < 3; i++) sink.push(alert({ subject: { ip: "203.0.113.9" } })); // queued once, two repeats
    await sink.idle();
    for (let i = 0; i < 3; i++) sink.push(alert());
    sink.push(alert({ lastSeen: new Date(Date.UTC(2026, 10, 24, 11, 0, 0)).toISOString() })); // after the window
    await sink.close();
    const subjects = r.bodies.map((b) => (b.body.subject as { ip: string }).ip);
    expect(subjects).toEqual(["198.51.100.7", "203.0.113.9", "198.51.100.7"]);
    expect(sink.stats.deduped).toBe(4 + 2 + 3);
    expect(r.bodies.map((b) => b.body.repeats)).toEqual([0, 2, 0]);
  });

  it("keep memory bounded while the receiver is down: the queue drops the oldest and push never throws", async () => {
    const closedPort = await freePort();
    const sink = webhookSink({ url: `http://127.0.0.1:${closedPort}/hook`, maxQueue: 10, retries: 0, timeoutMs: 200 });
    for (let i = 0; i < 500; i++) sink.push(alert({ subject: { ip: `203.0.113.${i % 250}`, principal: `key:${i}` } }));
    expect((sink as unknown as { queue: unknown[] }).queue.length).toBeLessThanOrEqual(10);
    expect(sink.stats.dropped).toBeGreaterThanOrEqual(489);
    expect(() => webhookSink({ url: "not a url" }).push(alert())).not.toThrow();
    await sink.close();
    expect(sink.stats.sent).toBe(0);
  });

  it("plug into suspiciousAccess: a brute force on a real Express app reaches the webhook", async () => {
    const r = await receiver();
    const { logger } = capturingLogger();
    const sink = webhookSink({ url: r.url, format: "slack" });
    const middleware = suspiciousAccess({ logger, sinks: [sink] });
    const app = express();
    app.use(middleware);
    app.use((_req, res) => {
      res.locals.rampart = { auth: "invalid" };
      res.status(401).end();
    });
    const server = app.listen(0, "127.0.0.1");
    servers.push(server);
    await new Promise((resolve) => server.once("listening", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (let i = 0; i < 12; i++) await fetch(`${base}/api/agents`, { headers: { "x-api-key": `guess-${i}` } });
    await waitFor(() => r.bodies.length > 0);
    await middleware.close();
    expect(String(r.bodies[0]!.body.text)).toContain("Authentication failures from one source");
    expect(r.bodies).toHaveLength(1);
  });
});
