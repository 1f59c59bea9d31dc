import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Alert } from "../../src/detect/alert.js";
import type { AccessEvent } from "../../src/detect/event.js";
import { parseLogLine } from "../../src/detect/log-formats.js";
import { replayFiles } from "../../src/detect/replay.js";
import { runCli } from "../support/cli.js";
import { twoHourLog } from "./two-hour-log.js";

const dir = mkdtempSync(join(tmpdir(), "rampart-replay-"));

/** Splits the log as two instances would write it: each file in its own order, interleaved in time. */
function writeTwoInstanceLogs(events: AccessEvent[]): string[] {
  const sorted = [...events].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  const a = sorted.filter((_, i) => i % 2 === 0);
  const b = sorted.filter((_, i) => i % 2 === 1);
  const files = [join(dir, "instance-a.jsonl"), join(dir, "instance-b.jsonl")];
  writeFileSync(files[0]!, a.map((e) => JSON.stringify(e)).join("\n") + "\n");
  writeFileSync(files[1]!, b.map((e) => JSON.stringify(e)).join("\n") + "\n");
  return files;
}

function matches(alert: Alert, subject: { ip?: string; principal?: string }): boolean {
  if (subject.principal) return alert.subject.principal === subject.principal;
  const ip = subject.ip!;
  return ip.endsWith("::") ? Boolean(alert.subject.ip?.startsWith(ip.slice(0, -1))) : alert.subject.ip === ip;
}

describe("detect replay over a generated two-hour multi-tenant log", () => {
  const log = twoHourLog();
  const files = writeTwoInstanceLogs(log.events);

  it("detects every attack and raises nothing on benign actors, in seconds", async () => {
    const started = Date.now();
    const result = await replayFiles(files);
    const seconds = (Date.now() - started) / 1000;
    expect(result.events).toBe(log.events.length);
    expect(result.events).toBeGreaterThan(20_000);
    for (const attack of log.attacks) {
      expect(
        result.alerts.some((a) => a.rule === attack.rule && matches(a, attack.subject)),
        `${attack.rule} ${JSON.stringify(attack.subject)}`,
      ).toBe(true);
    }
    const onBenign = result.alerts.filter(
      (a) => (a.subject.ip && log.benignIps.has(a.subject.ip)) || (a.subject.principal && log.benignPrincipals.has(a.subject.principal)),
    );
    expect(onBenign).toEqual([]);
    expect(seconds).toBeLessThan(20);
  });

  it("rampart detect replay --format json prints alerts with rule, severity and subject; exit 1 when there are alerts", async () => {
    const result = await runCli(["detect", "replay", ...files, "--format", "json"]);
    expect(result.code).toBe(1);
    const alerts = JSON.parse(result.stdout) as Alert[];
    expect(alerts.length).toBeGreaterThanOrEqual(log.attacks.length);
    expect(alerts[0]).toHaveProperty("rule");
    expect(alerts[0]).toHaveProperty("severity");
    expect(alerts[0]).toHaveProperty("subject");
  });

  it("--format text prints a readable summary; a clean log exits 0; bad lines are named and skipped; a missing file is a usage error", async () => {
    const text = await runCli(["detect", "replay", ...files, "--format", "text"]);
    expect(text.stdout).toMatch(/replayed \d+ events from 2 file\(s\); \d+ alert\(s\)/);
    expect(text.stdout).toContain("brute-force");
    const clean = join(dir, "clean.log");
    writeFileSync(clean, '{"time":"2026-01-01T00:00:00Z","ip":"192.0.2.1","method":"GET","path":"/","status":200}\nnot a log line\n');
    const cleanRun = await runCli(["detect", "replay", clean]);
    expect(cleanRun.code).toBe(0);
    expect(cleanRun.stderr).toContain(`${clean}:2:`);
    const missing = await runCli(["detect", "replay", join(dir, "nope.log")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read");
    const badFormat = await runCli(["detect", "replay", clean, "--format", "xml"]);
    expect(badFormat.code).toBe(2);
  });
});

describe("log formats", () => {
  it("reads nginx/Apache combined lines", () => {
    const e = parseLogLine('203.0.113.9 - - [02/Mar/2026:09:15:01 +0100] "GET /.git/config HTTP/1.1" 404 153 "-" "Mozilla/5.0 zgrab/0.x"');
    expect(e).toEqual({
      time: "2026-03-02T08:15:01.000Z",
      ip: "203.0.113.9",
      method: "GET",
      path: "/.git/config",
      status: 404,
      userAgent: "Mozilla/5.0 zgrab/0.x",
    });
  });

  it("reads pino-http records, including the rampart enrichment and ::ffff: addresses", () => {
    const line = JSON.stringify({
      level: 30,
      time: 1772442000000,
      req: { method: "POST", url: "/api/messages", remoteAddress: "::ffff:192.0.2.8", headers: { "user-agent": "sdk/1" } },
      res: { statusCode: 401 },
      responseTime: 12,
      rampart: { principal: "key:k9", auth: "revoked" },
      msg: "request completed",
    });
    expect(parseLogLine(line)).toEqual({
      time: "2026-03-02T09:00:00.000Z",
      ip: "192.0.2.8",
      method: "POST",
      path: "/api/messages",
      status: 401,
      userAgent: "sdk/1",
      durationMs: 12,
      principal: "key:k9",
      auth: "revoked",
    });
  });

  it("rejects lines of no known format", () => {
    expect(parseLogLine("hello world")).toBeUndefined();
    expect(parseLogLine('{"msg":"server started"}')).toBeUndefined();
  });
});
