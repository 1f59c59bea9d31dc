import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, type MetricData, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { suspiciousAccess } from "../../src/detect/express.js";
import { METRICS } from "../../src/telemetry/metric-names.js";
import { capturingLogger } from "./support.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A real SDK meter, collected on demand: what an operator's OpenTelemetry setup would export. */
function sdkMeter() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  cleanups.push(() => provider.shutdown());
  const collect = async (): Promise<MetricData[]> => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
  };
  return { meter: provider.getMeter("test"), collect };
}

function points(metrics: MetricData[], name: string): Array<{ attributes: Record<string, unknown>; value: unknown }> {
  return (metrics.find((m) => m.descriptor.name === name)?.dataPoints ?? []).map((p) => ({ attributes: p.attributes, value: p.value }));
}

async function startApp(options: Parameters<typeof suspiciousAccess>[0]): Promise<{ base: string; middleware: ReturnType<typeof suspiciousAccess> }> {
  const app = express();
  const middleware = suspiciousAccess(options);
  cleanups.push(() => middleware.close());
  app.use(middleware);
  app.get("/api/agents", (req, res) => {
    const key = req.header("x-api-key");
    if (key !== "sk-good") {
      res.locals.rampart = { auth: key ? "invalid" : "missing" };
      res.status(401).json({ error: "bad key" });
      return;
    }
    res.locals.rampart = { auth: "ok", principal: "key:k1", tenant: "acme" };
    res.json({ agents: [] });
  });
  const server: Server = app.listen(0, "127.0.0.1");
  cleanups.push(() => void server.close());
  await once(server, "listening");
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, middleware };
}

/** Finished requests are counted after the response, in the next turn of the event loop. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe("the middleware's OpenTelemetry metrics with the SDK registered", () => {
  it("counts every decision and auth result, and times only the requests that looked up a block", async () => {
    const { meter, collect } = sdkMeter();
    const { logger } = capturingLogger();
    const { base } = await startApp({ meter, logger, mode: "enforce" });
    for (let i = 0; i < 3; i++) await fetch(`${base}/api/agents`, { headers: { "x-api-key": "sk-good" } });
    await fetch(`${base}/api/agents`);
    await settle();
    let metrics = await collect();
    expect(points(metrics, METRICS.decisions)).toEqual([{ attributes: { decision: "allow", reason: "none" }, value: 4 }]);
    expect(points(metrics, METRICS.authAttempts)).toEqual(
      expect.arrayContaining([
        { attributes: { result: "ok" }, value: 3 },
        { attributes: { result: "missing" }, value: 1 },
      ]),
    );
    // Nothing was blocked yet, so no request had anything to look up.
    expect(points(metrics, METRICS.checkDuration)).toEqual([]);

    // Ten wrong keys get the address blocked (brute-force in enforce mode); the next requests are answered 429.
    for (let i = 0; i < 10; i++) await fetch(`${base}/api/agents`, { headers: { "x-api-key": `sk-wrong-${i}` } });
    await settle();
    const blocked = [];
    for (let i = 0; i < 2; i++) blocked.push((await fetch(`${base}/api/agents`, { headers: { "x-api-key": "sk-good" } })).status);
    await settle();
    expect(blocked).toEqual([429, 429]);
    metrics = await collect();
    expect(points(metrics, METRICS.decisions)).toEqual(
      expect.arrayContaining([
        { attributes: { decision: "allow", reason: "none" }, value: 14 },
        { attributes: { decision: "block", reason: "active_block" }, value: 2 },
      ]),
    );
    expect(points(metrics, METRICS.authAttempts)).toContainEqual({ attributes: { result: "invalid" }, value: 10 });
    const duration = points(metrics, METRICS.checkDuration);
    expect(duration).toHaveLength(1);
    expect((duration[0]!.value as { count: number }).count).toBe(2);
    expect(points(metrics, METRICS.detections)).toContainEqual(
      expect.objectContaining({ attributes: expect.objectContaining({ rule: "brute-force", outcome: "block" }) }),
    );
    // Addresses and keys never become attribute values.
    const attributeValues = JSON.stringify(metrics.flatMap((m) => m.dataPoints.map((p) => p.attributes)));
    expect(attributeValues).not.toMatch(/127\.0\.0\.1|sk-/);
  });

  it("adds up the counts of several middleware instances reporting through one meter", async () => {
    const { meter, collect } = sdkMeter();
    const { logger } = capturingLogger();
    const first = await startApp({ meter, logger });
    const second = await startApp({ meter, logger });
    for (let i = 0; i < 2; i++) await fetch(`${first.base}/api/agents`, { headers: { "x-api-key": "sk-good" } });
    for (let i = 0; i < 3; i++) await fetch(`${second.base}/api/agents`, { headers: { "x-api-key": "sk-wrong" } });
    // Loopback calls with a good key are the server's own and never counted by token-sharing: give the first
    // detector state of its own with one wrong key.
    await fetch(`${first.base}/api/agents`, { headers: { "x-api-key": "sk-wrong" } });
    await settle();
    const metrics = await collect();
    expect(points(metrics, METRICS.decisions)).toEqual([{ attributes: { decision: "allow", reason: "none" }, value: 6 }]);
    expect(points(metrics, METRICS.authAttempts)).toEqual(
      expect.arrayContaining([
        { attributes: { result: "ok" }, value: 2 },
        { attributes: { result: "invalid" }, value: 4 },
      ]),
    );
    // State sizes are the sum over both detectors, table by table.
    const [one, two] = [first, second].map((app) => app.middleware.guard.detector.stateSizes().windows!);
    expect(one).toBeGreaterThan(0);
    expect(two).toBeGreaterThan(0);
    const windows = one! + two!;
    expect(points(metrics, METRICS.stateEntries)).toContainEqual({ attributes: { table: "windows" }, value: windows });
    expect(points(metrics, METRICS.storeDegraded)).toEqual([{ attributes: { store: "memory" }, value: 0 }]);
    // A closed detector stops reporting its state.
    await second.middleware.close();
    const after = await collect();
    expect(points(after, METRICS.stateEntries)).toContainEqual({
      attributes: { table: "windows" },
      value: first.middleware.guard.detector.stateSizes().windows,
    });
  });
});
