import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { durationMs, parseDuration } from "../../src/core/duration.js";
import { ConfigError, UsageError } from "../../src/core/errors.js";
import { parseDetectRule } from "../../src/detect/rule.js";
import { runCli } from "../support/cli.js";

const rulesDir = join(import.meta.dirname, "..", "..", "rules", "detect");

describe("the one duration syntax", () => {
  it("reads every unit, decimals and a space before the unit", () => {
    expect(durationMs("250ms")).toBe(250);
    expect(durationMs("10s")).toBe(10_000);
    expect(durationMs("5m")).toBe(300_000);
    expect(durationMs("48h")).toBe(172_800_000);
    expect(durationMs("1.5d")).toBe(129_600_000);
    expect(durationMs(" 2 h ")).toBe(7_200_000);
    expect(durationMs("0s")).toBe(0);
  });

  it("refuses what is not a duration", () => {
    for (const bad of ["", "10", "m", "-5m", "5 minutes", "1e3s", "5M", "1h30m", "1.s", "NaNs"]) expect(durationMs(bad), bad).toBeUndefined();
  });

  it("reads every duration the shipped detect rules use (the syntax stays a superset of theirs)", () => {
    const values = readdirSync(rulesDir)
      .filter((f) => f.endsWith(".yaml"))
      .flatMap((f) => [...readFileSync(join(rulesDir, f), "utf8").matchAll(/\b(?:window|blockFor|at|every): *"?([^",}\s]+)/g)].map((m) => m[1]!));
    expect(values.length).toBeGreaterThan(10);
    for (const v of values) expect(durationMs(v), v).toBeGreaterThanOrEqual(0);
  });

  it("words bad flags as usage errors and bad file values as config errors naming the file", () => {
    expect(() => parseDuration("soon", "--sla")).toThrow(UsageError);
    expect(() => parseDuration("soon", "--sla")).toThrow(/--sla takes a duration like 30s, 10m, 48h or 1.5d .*not "soon"/);
    expect(() => parseDuration("0h", "--refresh", { positive: true })).toThrow(/above zero/);
    expect(parseDuration("0s", "at")).toBe(0);
    let error: unknown;
    try {
      parseDuration("forever", "maxBlock", { file: "detect options" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).describe()).toBe(
      'detect options: maxBlock takes a duration like 30s, 10m, 48h or 1.5d (units ms, s, m, h, d), not "forever"',
    );
  });

  it("a rule file takes the same syntax as flags: a decimal window is accepted, a bare number refused with the file named", () => {
    const rule = (window: string) => `id: t
title: t
description: t
severity: low
triggers:
  - kind: threshold
    subject: ip
    match: { status: [401] }
    threshold: 3
    window: ${window}
response: { status: 429, blockFor: 1.5m }
examples:
  positive: [{ name: three failures, events: [{ repeat: 3, every: 1s, event: { status: 401 } }] }]
  negative: [{ name: one success, events: [{ status: 200 }] }]
`;
    expect(() => parseDetectRule("rules/t.yaml", rule("2.5m"))).not.toThrow();
    let error: unknown;
    try {
      parseDetectRule("rules/t.yaml", rule('"90"'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).describe()).toMatch(/^rules\/t\.yaml:10: triggers\.0\.window/);
  });

  it("CLI flags share it: --timeout takes 30s as well as a bare number of seconds, and a bad one is exit 2 with the syntax", async () => {
    const bad = await runCli(["metrics", "issues", "--repo", "acme/agent", "--timeout", "soon"], { env: { GITHUB_TOKEN: "t" } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--timeout takes a duration");
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    // Accepted: the run gets as far as GitHub (a stand-in refusing the token) and fails there, not on the flag.
    const refusing = createServer((_req, res) => res.writeHead(401, { "content-type": "application/json" }).end('{"message":"Bad credentials"}'));
    await new Promise<void>((ready) => refusing.listen(0, "127.0.0.1", ready));
    try {
      const url = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
      for (const timeout of ["30s", "30"]) {
        const good = await runCli(["metrics", "issues", "--repo", "acme/agent", "--timeout", timeout, "--api-url", url], { env: { GITHUB_TOKEN: "t" } });
        expect(good.code).toBe(2);
        expect(good.stderr).toMatch(/401|credentials|token/i);
        expect(good.stderr).not.toContain("--timeout");
      }
    } finally {
      refusing.close();
    }
    const refresh = await runCli(["serve-metrics", "--refresh", "0m"], { env: {} });
    expect(refresh.code).toBe(2);
    expect(refresh.stderr).toContain("--refresh takes a duration above zero");
  });
});
