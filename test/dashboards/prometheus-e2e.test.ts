import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redactionReady } from "../../src/detect/alert-redaction.js";
import { suspiciousAccess } from "../../src/detect/express.js";
import { addMonths } from "../../src/metrics/months.js";
import { startTelemetry, type Telemetry } from "../../src/telemetry/start.js";
import { builtBin } from "../support/cli.js";
import { type GitHubStandin, paginated, startGitHubStandin } from "../support/github-standin.js";
import { freePort } from "../support/ports.js";
import { asPromQL, dashboardExpressions, RULES, ruleExpressions } from "./expressions.js";

// Alert redaction's scanner loads on the first report and reports wait for it: loaded up front, so an alert
// is written when it is raised and the test reads it at once (test/detect/lazy-redaction.test.ts).
beforeAll(() => redactionReady());

/**
 * A real Prometheus (the Debian package) scrapes a real Express app running rampart/express and a real
 * `rampart serve-metrics`; an attack is driven over loopback; then every PromQL expression of the dashboard
 * and of the alerting rules must return data from Prometheus's HTTP API.
 */
const children: ChildProcess[] = [];
const dirs: string[] = [];
let telemetry: Telemetry | undefined;
let app: Server | undefined;
let github: GitHubStandin | undefined;
let prometheusUrl = "";
let appUrl = "";

beforeAll(async () => {
  github = await startGitHubStandin(issueRoutesRelativeToNow());
  const [servePort, appMetricsPort, appPort, promPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const serve = spawn(
    process.execPath,
    [
      builtBin,
      "serve-metrics",
      "--port",
      String(servePort),
      "--issues-repo",
      "acme/agent",
      "--target",
      "50",
      "--baseline",
      "3",
      "--api-url",
      github.url,
      "--refresh",
      "1h",
    ],
    { env: { ...process.env, GITHUB_TOKEN: "test-token", CI: "true" }, stdio: ["ignore", "ignore", "pipe"] },
  );
  children.push(serve);
  const serving = waitForOutput(serve, "serving metrics");

  telemetry = await startTelemetry({ prometheus: { port: appMetricsPort } });
  app = await startApp(appPort, await freePort());
  appUrl = `http://127.0.0.1:${appPort}`;

  const dir = mkdtempSync(join(tmpdir(), "rampart-prometheus-"));
  dirs.push(dir);
  writeFileSync(join(dir, "prometheus.yml"), prometheusConfig(appMetricsPort, servePort));
  const prometheus = spawn(
    "prometheus",
    [`--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${promPort}`],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  prometheus.on("error", (e) => console.error(`prometheus did not start (${e.message}); .ci/setup installs the Debian prometheus package`));
  children.push(prometheus);
  prometheusUrl = `http://127.0.0.1:${promPort}`;
  await serving;
  await until(async () => (await fetch(`${prometheusUrl}/-/ready`).catch(() => undefined))?.ok === true, 30_000, "Prometheus to be ready");
  await until(async () => (await query("sum(up)"))[0]?.value[1] === "2", 30_000, "both targets to be scraped");
}, 90_000);

afterAll(async () => {
  for (const c of children) c.kill("SIGTERM");
  app?.close();
  await telemetry?.shutdown();
  await github?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("dashboard and alert rules against a real Prometheus", () => {
  it("every expression returns data after an attack", async () => {
    await attack("phase-1", 3);
    await until(async () => (await query("rampart_detections_total")).length > 0, 20_000, "the first detections to be scraped");
    await attack("phase-2", 25);
    const expressions = [...dashboardExpressions(), ...ruleExpressions()];
    const empty = new Set(expressions.map((e) => e.where + " " + e.expr));
    await until(
      async () => {
        for (const e of expressions) if ((await query(asPromQL(e.expr))).length > 0) empty.delete(e.where + " " + e.expr);
        return empty.size === 0;
      },
      45_000,
      "every expression to return data",
    ).catch(() => undefined);
    expect([...empty]).toEqual([]);
    const issues = await query('max by (month) (rampart_security_issues_opened{source="issue"})');
    expect(issues.length).toBe(12);
    const alerts = (await (await fetch(`${prometheusUrl}/api/v1/rules`)).json()) as { data: { groups: Array<{ file: string }> } };
    expect(alerts.data.groups.every((g) => g.file === RULES)).toBe(true);
  }, 120_000);
});

/** Benign traffic, key guessing, scanner user agents and a flood of new addresses (to force evictions), in enforce mode. */
async function attack(tag: string, addresses: number): Promise<void> {
  const get = (path: string, headers: Record<string, string>) =>
    fetch(`${appUrl}${path}`, { headers })
      .then((r) => r.arrayBuffer())
      .catch(() => undefined);
  for (let i = 0; i < 5; i++) await get("/api/agents", { "x-api-key": "good-key", "x-forwarded-for": "192.0.2.10" });
  for (let i = 0; i < 12; i++) await get("/api/agents", { "x-api-key": `guess-${tag}-${i}`, "x-forwarded-for": `198.51.100.${addresses}` });
  for (let i = 0; i < addresses; i++)
    await get("/api/agents?id=1", { "user-agent": "sqlmap/1.8.2#stable", "x-forwarded-for": `203.0.113.${i + (tag === "phase-1" ? 200 : 1)}` });
  for (let i = 0; i < 3; i++) await get("/boom", { "x-api-key": "good-key", "x-forwarded-for": "192.0.2.11" });
}

async function startApp(port: number, closedRedisPort: number): Promise<Server> {
  const server = express();
  server.use(
    suspiciousAccess({
      mode: "enforce",
      trustProxy: ["loopback"],
      maxSubjects: 20,
      logger: pino({ level: "silent" }),
      // Nothing listens there: the store is degraded from the start and the detector counts locally.
      store: { redis: `redis://127.0.0.1:${closedRedisPort}`, timeoutMs: 50 },
      enrich: (req) => {
        if (req.url?.startsWith("/boom")) throw new Error("enrichment failed");
        return undefined;
      },
    }),
  );
  server.use((req, res, next) => {
    const ok = req.get("x-api-key") === "good-key";
    res.locals.rampart = ok ? { principal: "key:k1", tenant: "acme", auth: "ok" } : { auth: req.get("x-api-key") ? "invalid" : "missing" };
    if (!ok && req.get("x-api-key")) return void res.status(401).end();
    next();
  });
  server.get(["/api/agents", "/boom"], (_req, res) => void res.json([]));
  return new Promise((resolve) => {
    const s = server.listen(port, "127.0.0.1", () => resolve(s));
  });
}

function prometheusConfig(appMetricsPort: number, servePort: number): string {
  return `global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - ${RULES}
scrape_configs:
  - job_name: agent-server
    static_configs: [{ targets: ["127.0.0.1:${appMetricsPort}"] }]
  - job_name: rampart-serve-metrics
    static_configs: [{ targets: ["127.0.0.1:${servePort}"] }]
`;
}

/** Twelve months ending now: one issue a month in the baseline months, three a month in the last three. */
function issueRoutesRelativeToNow() {
  const thisMonth = new Date().toISOString().slice(0, 7);
  const months = Array.from({ length: 12 }, (_, i) => addMonths(thisMonth, i - 11));
  const perMonth = months.map((_, i) => (i < 3 ? 1 : i >= 9 ? 3 : 0));
  const issues = months.flatMap((m, i) =>
    Array.from({ length: perMonth[i]! }, (_, n) => ({
      id: i * 10 + n,
      number: i * 10 + n,
      created_at: `${m}-01T00:00:0${n}Z`,
      updated_at: `${m}-01T00:00:0${n}Z`,
      closed_at: null,
      user: { login: "reporter", type: "User" },
    })),
  );
  return [
    { path: "/repos/acme/agent/issues", reply: paginated(issues) },
    { path: "/repos/acme/agent/issues/comments", reply: paginated([]) },
    { path: "/repos/acme/agent/security-advisories", reply: paginated([]) },
  ];
}

async function query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await response.json()) as {
    status: string;
    error?: string;
    data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
  };
  if (body.status !== "success") throw new Error(`Prometheus rejected ${expr}: ${body.error}`);
  return body.data!.result;
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function waitForOutput(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    child.stderr?.on("data", (d: Buffer) => {
      seen += d.toString();
      if (seen.includes(text)) resolve();
    });
    child.on("exit", (code) => reject(new Error(`exited ${code} before "${text}": ${seen}`)));
  });
}
