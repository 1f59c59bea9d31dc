import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Alert } from "../../src/detect/alert.js";
import { networkKey, sourceKey } from "../../src/detect/event.js";
import { replayFiles } from "../../src/detect/replay.js";
import { launchChromium } from "../support/browser.js";

/**
 * The real elizaOS server (@elizaos/server 1.7.2 with PGlite, from the fixture package that .ci/setup installs)
 * with `elizaGuard()` in ServerConfig.middlewares, in enforce mode, behind a trusted loopback proxy. Real
 * Debian tools attack it (gobuster, ffuf, sqlmap), scripted clients spray and steal keys, and real benign
 * clients use it at the same time: the official @elizaos/api-client, Chromium on the web UI, and a monitor.
 * Every attack must be alerted, no benign client alerted or refused, and `detect replay` over the events the
 * middleware saw must raise the same alerts.
 */
const FIXTURE = resolve("test/fixtures/eliza-server");
const installed = existsSync(join(FIXTURE, "node_modules/@elizaos/server/package.json"));
const tools = ["gobuster", "ffuf", "sqlmap"].every((t) => ["/usr/bin", "/usr/local/bin"].some((d) => existsSync(join(d, t))));
if (process.env.CI && !(installed && tools)) throw new Error("eliza e2e: run .ci/setup first (installs the elizaOS fixture package and the attack tools)");
if (!(installed && tools)) console.warn("eliza e2e skipped: run .ci/setup to install test/fixtures/eliza-server and gobuster, ffuf, sqlmap");

const SERVER_KEY = "e2e-server-key-5d1b7c9a3e";
const WORDS = readWords(60);
const BENIGN = { sdk: "192.0.2.10", ui: "198.51.100.20", monitor: "203.0.113.30" };
const ATTACK = {
  gobuster: "10.10.1.1",
  ffufKeys: "10.20.2.2",
  sqlmap: "10.30.3.3",
  slowScan: "10.70.7.7",
  enumerator: "10.80.8.8",
  spray: (i: number) => `2001:db8:5:${i.toString(16)}::7`,
  thief: (i: number) => `2001:db8:77:${i.toString(16)}::1`,
};

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe.skipIf(!(installed && tools))("rampart/eliza on the real elizaOS server against real tools", () => {
  it("alerts on every attack, never on the API client, the UI or the monitor, refuses no benign request in enforce mode, and replays to the same alerts", async () => {
    const out = mkdtempSync(join(tmpdir(), "rampart-eliza-e2e-"));
    const server = await startEliza(out);
    const proxy = await startProxy(server.port);
    const base = `http://127.0.0.1:${proxy}`;
    const benign = new BenignClients(base);

    // The benign clients start first (the UI before and after the user enters the key) and keep working.
    await benign.start();

    const indexLength = (await (await fetch(`${base}/no-such-page`)).text()).length;
    const runs = await Promise.all([
      // A slow scan under the 10-in-10 s rate: one request every 1.2 s.
      tool(
        "ffuf",
        [
          "-u",
          `${base}/FUZZ.php`,
          "-w",
          wordlist(out, WORDS.slice(0, 42)),
          "-p",
          "1.2",
          "-t",
          "1",
          "-s",
          "-maxtime",
          "70",
          "-H",
          `X-Forwarded-For: ${ATTACK.slowScan}`,
          "-H",
          "User-Agent: Mozilla/5.0 (X11; Linux x86_64)",
        ],
        80,
      ),
      (async () => {
        const results = [];
        // A directory scan with a browser user agent: the SPA answers 200 index.html for every path.
        results.push(
          await tool(
            "gobuster",
            [
              "dir",
              "-u",
              `${base}/`,
              "-w",
              wordlist(out, WORDS),
              "-x",
              "php,bak",
              "-t",
              "4",
              "-q",
              "-z",
              "--no-error",
              "--exclude-length",
              String(indexLength),
              "-a",
              "Mozilla/5.0 (X11; Linux x86_64)",
              "-H",
              `X-Forwarded-For: ${ATTACK.gobuster}`,
            ],
            60,
          ),
        );
        // Key guessing on the API key header.
        const keys = Array.from({ length: 30 }, (_, i) => `guess-${i}-${Math.random().toString(36).slice(2, 10)}`);
        results.push(
          await tool(
            "ffuf",
            [
              "-u",
              `${base}/api/agents`,
              "-w",
              wordlist(out, keys),
              "-H",
              "X-API-KEY: FUZZ",
              "-H",
              `X-Forwarded-For: ${ATTACK.ffufKeys}`,
              "-H",
              "User-Agent: Mozilla/5.0",
              "-t",
              "4",
              "-s",
              "-mc",
              "all",
            ],
            40,
          ),
        );
        // SQL injection with every payload in a JSON body, WAF detection off, a browser user agent, no key
        // (told to go on past the 401s).
        results.push(
          await tool(
            "sqlmap",
            [
              "-u",
              `${base}/api/messaging/submit`,
              "--data",
              '{"channel_id":"1","content":"hello"}',
              "--method",
              "POST",
              "-H",
              `X-Forwarded-For: ${ATTACK.sqlmap}`,
              "--batch",
              "--skip-waf",
              "--random-agent",
              "--flush-session",
              "--output-dir",
              join(out, "sqlmap"),
              "--time-sec",
              "1",
              "--technique",
              "BEU",
              "--ignore-code",
              "401",
            ],
            60,
          ),
        );
        await keySpray(base);
        await stolenKey(base);
        await objectWalk(base);
        return results;
      })(),
    ]);
    await benign.stop();
    const live = await server.stop();
    const ran = runs.flat();
    for (const run of ran) expect(run.requestsSent, run.name).toBe(true);

    const alerts = live.alerts;
    const named = (a: Alert) => [a.subject.ip, ...(a.sources ?? [])].filter(Boolean).map((ip) => sourceKey(ip!));
    const alertedFor = (ip: string, rule: string) => alerts.some((a) => a.rule === rule && named(a).includes(sourceKey(ip)));
    expect(alertedFor(ATTACK.gobuster, "path-scan"), "gobuster").toBe(true);
    expect(alertedFor(ATTACK.slowScan, "path-scan"), "slow ffuf scan").toBe(true);
    // Many wrong keys from one address: credential-stuffing (5 distinct) fires first and its block stops the run.
    expect(alertedFor(ATTACK.ffufKeys, "credential-stuffing") || alertedFor(ATTACK.ffufKeys, "brute-force"), "ffuf key guessing").toBe(true);
    expect(alertedFor(ATTACK.sqlmap, "injection-probe"), "sqlmap JSON body").toBe(true);
    const spray = alerts.find((a) => a.rule === "key-spray");
    expect(
      spray?.sources?.every((s) => s.startsWith("2001:db8:5:")),
      "key spray names its sources",
    ).toBe(true);
    const sharing = alerts.find((a) => a.rule === "token-sharing");
    expect(sharing?.networks?.[0], "stolen key: newest network first").toMatch(/^2001:db8:77:/);
    expect(
      alerts.some((a) => a.rule === "object-enumeration"),
      "object walk",
    ).toBe(true);

    // No benign client is the subject or a named source of any alert, nor has a block of its own.
    const benignSources = Object.values(BENIGN).map(sourceKey);
    for (const a of alerts)
      expect(
        named(a).filter((s) => benignSources.includes(s)),
        `${a.rule} ${JSON.stringify(a.subject)}`,
      ).toEqual([]);
    const benignNetworks = Object.values(BENIGN).map(networkKey);
    for (const a of alerts)
      for (const key of a.blocked ?? [])
        expect(
          benignNetworks.some((n) => key.endsWith(`@${n}`)),
          key,
        ).toBe(false);
    // Enforce mode refused none of their requests.
    expect(benign.refused, "benign requests refused").toEqual([]);
    expect(benign.requests).toBeGreaterThan(40);
    // The UI's keyless /api/system/version calls were seen and stayed quiet.
    expect(live.events.filter((e) => e.ip === BENIGN.ui && e.path === "/api/system/version" && e.auth === "missing").length).toBeGreaterThanOrEqual(8);
    // The stolen key's later networks are refused; the thief's address without the key is not.
    expect(live.events.filter((e) => e.ip.startsWith("2001:db8:77:") && e.status === 403).length).toBeGreaterThan(0);

    // Principals are hashed key ids: no raw key anywhere in what the middleware wrote.
    expect(live.raw).not.toContain(SERVER_KEY);
    expect(live.raw).not.toMatch(/guess-\d+-/);

    // Replaying the events the middleware saw gives the same alerts.
    const replayed = await replayFiles([join(out, "events.jsonl")], { mode: "enforce" });
    expect(replayed.skipped).toBe(0);
    expect(replayed.alerts.map(comparable)).toEqual(alerts.map(comparable));
  }, 240_000);
});

function comparable(a: Alert): string {
  return JSON.stringify([a.rule, a.subject, a.count, a.sources, a.networks, a.action, a.firstSeen, a.lastSeen]);
}

function readWords(n: number): string[] {
  const path = "/usr/share/dirb/wordlists/common.txt";
  const fallback = ["admin", "backup", "config", "db", "dump", "old", "test", "tmp", "upload", "wp-admin"];
  const words = existsSync(path)
    ? readFileSync(path, "utf8")
        .split(/\r?\n/)
        .filter((w) => /^[a-z0-9_-]+$/i.test(w))
    : fallback;
  return words.slice(0, n);
}

function wordlist(dir: string, words: string[]): string {
  const file = join(dir, `words-${Math.random().toString(36).slice(2)}.txt`);
  // LF endings: CRLF lists make requests Node's parser rejects before the app sees them.
  writeFileSync(file, words.join("\n") + "\n");
  return file;
}

interface ToolRun {
  name: string;
  requestsSent: boolean;
}

/** Runs a Debian tool against loopback, bounded in time; its output is only kept for the failure message. */
async function tool(name: string, args: string[], seconds: number): Promise<ToolRun> {
  const child = spawn(name, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, HOME: tmpdir() } });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  });
  child.stderr!.on("data", (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), seconds * 1000);
  const [code] = (await once(child, "exit")) as [number | null];
  clearTimeout(timer);
  const requestsSent = code !== 127 && !/unknown (flag|shorthand)|flag provided but not defined|usage:/i.test(output.slice(0, 300));
  if (!requestsSent) console.error(`${name} failed (${code}): ${output}`);
  return { name, requestsSent };
}

const guessHeaders = (ip: string, key: string) => ({ "x-forwarded-for": ip, "x-api-key": key, "user-agent": "python-requests/2.32.3" });

/** Three wrong keys from each of thirty IPv6 /64s: no per-source or per-principal count fills. */
async function keySpray(base: string): Promise<void> {
  for (let i = 0; i < 30; i++) {
    for (let k = 0; k < 3; k++) await fetch(`${base}/api/agents`, { headers: guessHeaders(ATTACK.spray(i), `spray-${i}-${k}`) }).then((r) => r.arrayBuffer());
  }
}

/** The real server key used from twelve IPv6 /64s. */
async function stolenKey(base: string): Promise<void> {
  for (let i = 0; i < 12; i++) {
    for (const path of ["/api/agents", "/api/server/ping"])
      await fetch(`${base}${path}`, { headers: guessHeaders(ATTACK.thief(i), SERVER_KEY) }).then((r) => r.arrayBuffer());
  }
}

/** The key asking for twelve agents' memories that do not exist. */
async function objectWalk(base: string): Promise<void> {
  for (let i = 0; i < 12; i++) {
    const id = `6a1f2e3d-0000-4000-8000-${String(i).padStart(12, "0")}`;
    await fetch(`${base}/api/agents/${id}/memories`, { headers: guessHeaders(ATTACK.enumerator, SERVER_KEY) }).then((r) => r.arrayBuffer());
  }
}

/** The official API client, Chromium on the web UI and an uptime monitor, each from its own address. */
class BenignClients {
  refused: string[] = [];
  requests = 0;
  private running = true;
  private loops: Array<Promise<void>> = [];
  private closeBrowser: (() => Promise<void>) | undefined;

  constructor(private readonly base: string) {}

  private note(who: string, status: number, path: string): void {
    this.requests++;
    // Rampart refuses with 403 or 429; elizaOS itself answers neither to these calls.
    if (status === 403 || status === 429) this.refused.push(`${who} ${status} ${path}`);
  }

  async start(): Promise<void> {
    const { ElizaClient } = (await import(join(FIXTURE, "node_modules/@elizaos/api-client/dist/index.js"))) as {
      ElizaClient: new (config: object) => SdkClient;
    };
    const sdk = new ElizaClient({ baseUrl: this.base, apiKey: SERVER_KEY, headers: { "X-Forwarded-For": BENIGN.sdk } });
    const calls: Array<[string, () => Promise<unknown>]> = [
      ["agents.listAgents", () => sdk.agents.listAgents()],
      ["server.ping", () => sdk.server.ping()],
      ["server.checkHealth", () => sdk.server.checkHealth()],
      ["agents.getWorlds", () => sdk.agents.getWorlds()],
    ];
    const sdkCall = async (i: number) => {
      const [name, call] = calls[i % calls.length]!;
      try {
        await call();
        this.note("sdk", 200, name);
      } catch (error) {
        const status = (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode ?? 0;
        this.note("sdk", status, `${name}: ${(error as Error).message}`);
      }
    };
    const monitorCall = async () => {
      for (const [path, headers] of [
        ["/healthz", {}],
        ["/api/server/ping", { "x-api-key": SERVER_KEY }],
      ] as const) {
        const res = await fetch(`${this.base}${path}`, { headers: { "x-forwarded-for": BENIGN.monitor, "user-agent": "UptimeRobot/2.0", ...headers } });
        await res.arrayBuffer();
        this.note("monitor", res.status, path);
      }
    };
    for (let i = 0; i < 4; i++) await sdkCall(i);
    await monitorCall();
    await this.startUi();
    this.loops.push(this.every(1500, sdkCall), this.every(2000, monitorCall));
  }

  /** A first visit (two page loads before the key is entered), then the key saved and the UI used. */
  private async startUi(): Promise<void> {
    const context = await launchChromium();
    this.closeBrowser = () => context.close();
    cleanups.push(() => context.close().catch(() => undefined));
    await context.setExtraHTTPHeaders({ "X-Forwarded-For": BENIGN.ui });
    // The UI asks api.github.com for release data: nothing leaves the machine.
    await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
    const page = await context.newPage();
    page.on("response", (res) => {
      if (res.url().startsWith(this.base)) this.note("ui", res.status(), new URL(res.url()).pathname);
    });
    const load = async () => {
      await page.goto(`${this.base}/`, { waitUntil: "load", timeout: 30_000 });
      await page.waitForTimeout(2500);
    };
    await load();
    await load();
    await page.evaluate(([origin, key]) => localStorage.setItem(`eliza-api-key-${origin}`, key!), [new URL(this.base).origin, SERVER_KEY]);
    await load();
    this.loops.push(this.every(12_000, () => load()));
  }

  private async every(ms: number, work: (i: number) => Promise<unknown>): Promise<void> {
    for (let i = 0; this.running; i++) {
      await work(i).catch(() => undefined);
      await new Promise((r) => setTimeout(r, ms));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    await this.closeBrowser?.().catch(() => undefined);
  }
}

interface SdkClient {
  agents: { listAgents(): Promise<unknown>; getWorlds(): Promise<unknown> };
  server: { ping(): Promise<unknown>; checkHealth(): Promise<unknown> };
}

interface RunningEliza {
  port: number;
  stop(): Promise<{ alerts: Alert[]; events: Array<{ ip: string; path: string; status: number; auth?: string }>; raw: string }>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as AddressInfo;
  probe.close();
  return port;
}

/** Starts the fixture's server.mjs: the real AgentServer with elizaGuard() in enforce mode. */
async function startEliza(out: string): Promise<RunningEliza> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ["server.mjs"], {
    cwd: FIXTURE,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    env: {
      ...process.env,
      RAMPART_ELIZA: resolve("dist/detect/eliza.js"),
      RAMPART_PINO: resolve("node_modules/pino/pino.js"),
      RAMPART_MODE: "enforce",
      RAMPART_OUT: out,
      SERVER_PORT: String(port),
      SERVER_HOST: "127.0.0.1",
      ELIZA_SERVER_AUTH_TOKEN: SERVER_KEY,
      // Sentry is on by default with a vendor DSN: point it at a closed loopback port.
      SENTRY_DSN: "http://public@127.0.0.1:9/1",
      LOG_LEVEL: "error",
      ELIZA_UI_ENABLE: "true",
    },
  });
  cleanups.push(() => child.exitCode === null && child.kill("SIGKILL"));
  let log = "";
  child.stderr!.on("data", (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
  });
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`elizaOS server did not start in 90 s: ${log}`)), 90_000);
    child.stdout!.on("data", (d: Buffer) => {
      if (d.toString().includes("RAMPART-ELIZA-READY")) {
        clearTimeout(timer);
        ready();
      }
    });
    child.once("exit", (code) => fail(new Error(`elizaOS server exited (${code}): ${log}`)));
  });
  return {
    port,
    async stop() {
      child.send("stop");
      await Promise.race([once(child, "exit"), new Promise((r) => setTimeout(r, 15_000))]);
      const raw = ["events.jsonl", "alerts.jsonl"].map((f) => readFileSync(join(out, f), "utf8")).join("\n");
      const lines = (f: string) =>
        readFileSync(join(out, f), "utf8")
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l));
      return { alerts: lines("alerts.jsonl") as Alert[], events: lines("events.jsonl"), raw };
    },
  };
}

/** A trusted loopback reverse proxy: passes each client's X-Forwarded-For on and appends the peer, as nginx does. */
async function startProxy(target: number): Promise<number> {
  const proxy: Server = createServer((req, res) => {
    const forwarded = [req.headers["x-forwarded-for"], req.socket.remoteAddress].filter(Boolean).join(", ");
    const upstream = request(
      { host: "127.0.0.1", port: target, method: req.method, path: req.url, headers: { ...req.headers, "x-forwarded-for": forwarded } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  proxy.keepAliveTimeout = 1000;
  proxy.listen(0, "127.0.0.1");
  await once(proxy, "listening");
  cleanups.push(() => new Promise((r) => proxy.close(r)));
  return (proxy.address() as AddressInfo).port;
}
