import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import { Redis } from "ioredis";
import { pino } from "pino";
import { redactionReady } from "../../src/detect/alert-redaction.js";
import { type SuspiciousAccessMiddleware, type SuspiciousAccessOptions, suspiciousAccess } from "../../src/detect/express.js";

/** Real redis-server processes (Debian's package) on loopback, for the shared-store tests. */

async function portFree(port: number): Promise<boolean> {
  const server = createServer();
  server.listen(port, "127.0.0.1");
  try {
    await once(server, "listening");
    return true;
  } catch {
    return false;
  } finally {
    server.close();
  }
}

/** A free loopback port whose cluster bus port (port + 10000) is free too. */
export async function freePort(): Promise<number> {
  for (;;) {
    const server = createServer();
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const port = (server.address() as AddressInfo).port;
    server.close();
    await once(server, "close");
    if (port < 55_000 && (await portFree(port + 10_000))) return port;
  }
}

export interface RedisProcess {
  port: number;
  process: ChildProcess;
  /** SIGKILL; resolves when it is gone. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: a partition (the socket stays open, nothing answers). */
  pause(): void;
  resume(): void;
}

const workdirs: string[] = [];
const processes: RedisProcess[] = [];

export function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), "rampart-redis-"));
  workdirs.push(dir);
  return dir;
}

/**
 * Starts redis-server (a sentinel with `config` and `--sentinel`) and waits until it answers PING. `args` come
 * last, so they can override the defaults (`--port 0` for TLS only).
 */
export async function startRedis(args: string[] = [], options: { port?: number; dir?: string; probe?: boolean; config?: string } = {}): Promise<RedisProcess> {
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? workdir();
  const child = spawn(
    "redis-server",
    [...(options.config ? [options.config] : []), "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, ...args],
    { stdio: "ignore" },
  );
  const handle: RedisProcess = {
    port,
    process: child,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
    },
    pause: () => child.kill("SIGSTOP"),
    resume: () => child.kill("SIGCONT"),
  };
  processes.push(handle);
  if (options.probe !== false) await untilAnswers(port);
  return handle;
}

export async function untilAnswers(port: number): Promise<void> {
  const probe = new Redis(port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
  probe.on("error", () => undefined); // refused while redis-server is still starting
  try {
    for (let i = 0; i < 200; i++) {
      try {
        await probe.connect().catch(() => undefined);
        if ((await probe.ping()) === "PONG") return;
      } catch {
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    throw new Error(`redis on ${port} did not answer`);
  } finally {
    probe.disconnect();
  }
}

export interface LocalCluster {
  nodes: RedisProcess[];
  urls: string[];
}

/**
 * Three masters with one replica each, made with `redis-cli --cluster create`. A short node timeout makes a
 * replica take over about a second after its master dies.
 */
export async function startCluster(): Promise<LocalCluster> {
  const dir = workdir();
  const ports: number[] = [];
  while (ports.length < 6) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const nodes = await Promise.all(
    ports.map((port) =>
      startRedis(
        ["--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`, "--cluster-node-timeout", "400", "--cluster-replica-validity-factor", "0"],
        { port, dir },
      ),
    ),
  );
  const create = spawnSync("redis-cli", ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "1", "--cluster-yes"], {
    encoding: "utf8",
    timeout: 30_000,
  });
  if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
  await untilClusterOk(ports);
  return { nodes, urls: ports.map((p) => `redis://127.0.0.1:${p}`) };
}

/** Until every node reports cluster_state:ok and knows all three masters with a replica each. */
export async function untilClusterOk(ports: number[], timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const states = ports.map((port) => spawnSync("redis-cli", ["-p", String(port), "cluster", "info"], { encoding: "utf8" }).stdout);
    if (states.every((s) => s.includes("cluster_state:ok") && s.includes("cluster_size:3"))) return;
    if (Date.now() > until) throw new Error(`cluster not ok: ${states.join("\n")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The node serving a key's slot as master, asked of any live node. */
export function masterPortFor(key: string, askPort: number): number {
  const slot = Number(spawnSync("redis-cli", ["-p", String(askPort), "cluster", "keyslot", key], { encoding: "utf8" }).stdout.trim());
  const nodes = spawnSync("redis-cli", ["-p", String(askPort), "cluster", "nodes"], { encoding: "utf8" }).stdout;
  for (const line of nodes.split("\n")) {
    const fields = line.split(" ");
    if (!fields[2]?.includes("master") || fields[2].includes("fail")) continue;
    for (const range of fields.slice(8)) {
      const [from, to] = range.split("-").map(Number);
      if (slot >= from! && slot <= (to ?? from)!) return Number(fields[1]!.split(":")[1]!.split("@")[0]);
    }
  }
  throw new Error(`no master for slot ${slot}`);
}

/**
 * Until every survivor names a live master other than the killed one for the key's slot. Until the survivors
 * notice the death (the node timeout) they still report cluster_state:ok with the dead master owning its slots.
 */
export async function untilFailedOver(key: string, deadPort: number, survivors: number[], timeoutMs = 20_000): Promise<void> {
  const servedElsewhere = (port: number) => {
    try {
      return masterPortFor(key, port) !== deadPort;
    } catch {
      return false; // the dead master is flagged failed and no replica is promoted yet
    }
  };
  const until = Date.now() + timeoutMs;
  while (!survivors.every(servedElsewhere)) {
    if (Date.now() > until) throw new Error(`no replica took over the slot of ${key} from ${deadPort}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface SentinelSet {
  master: RedisProcess;
  replica: RedisProcess;
  sentinels: RedisProcess[];
  name: string;
}

/** One master, one replica and three sentinels (quorum two) watching them with short timeouts. */
export async function startSentinels(): Promise<SentinelSet> {
  const name = "rampart";
  const master = await startRedis();
  const replica = await startRedis(["--replicaof", "127.0.0.1", String(master.port)]);
  const sentinels: RedisProcess[] = [];
  for (let i = 0; i < 3; i++) {
    const dir = workdir();
    const config = join(dir, "sentinel.conf");
    writeFileSync(
      config,
      [
        `sentinel monitor ${name} 127.0.0.1 ${master.port} 2`,
        `sentinel down-after-milliseconds ${name} 400`,
        `sentinel failover-timeout ${name} 2000`,
        `sentinel parallel-syncs ${name} 1`,
        "",
      ].join("\n"),
    );
    sentinels.push(await startRedis(["--sentinel"], { dir, config }));
  }
  return { master, replica, sentinels, name };
}

/** Stops every process these helpers started and removes their files. */
export async function stopAll(): Promise<void> {
  for (const p of processes.splice(0)) {
    p.resume();
    await p.kill();
  }
  for (const dir of workdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * The store timeout the fleet tests use: the whole suite runs many files at once on two cores, and a starved
 * event loop then misses 150 ms now and again, which is CPU, not Redis (the partition test sets its own).
 */
export const SUITE_TIMEOUT_MS = 1000;

export interface AppInstance {
  base: string;
  middleware: SuspiciousAccessMiddleware;
  server: Server;
}

/**
 * Raises one alert on a throwaway in-memory middleware. The first alert in a process pays a one-time CPU cost
 * (the redaction's patterns compiled, sinks and metrics made): a few hundred milliseconds on a busy machine, which
 * a test timing requests must not mistake for a wait on Redis.
 */
export async function warmAlertPath(): Promise<void> {
  await redactionReady();
  const middleware = suspiciousAccess({ mode: "enforce", logger: pino({ level: "silent" }) });
  for (let i = 0; i < 10; i++)
    middleware.guard.record({ time: new Date().toISOString(), ip: "192.0.2.254", method: "GET", path: "/api/agents", status: 401, auth: "invalid" });
  await middleware.close();
}

/** A real Express app with the middleware, as an agent server mounts it: 401 for a wrong key. */
export async function appInstance(options: SuspiciousAccessOptions): Promise<AppInstance> {
  const app = express();
  const middleware = suspiciousAccess({ mode: "enforce", ...options });
  app.use(middleware);
  app.get("/api/agents", (req, res) => {
    if (req.header("x-api-key") !== "sk-good") {
      res.locals.rampart = { auth: "invalid" };
      res.status(401).json({ error: "bad key" });
      return;
    }
    res.locals.rampart = { auth: "ok", principal: "key:good", tenant: "acme" };
    res.json({ agents: [] });
  });
  const server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, middleware, server };
}

export async function closeApps(apps: AppInstance[]): Promise<void> {
  for (const app of apps.splice(0)) {
    app.server.close();
    await app.middleware.close();
  }
}

/**
 * When each instance first enforces a block on `ip`, checked every millisecond from the call on: the moment the
 * block arrives, not when a test gets round to looking (its own waits would add their lag on a busy machine).
 * Undefined for an instance that has not seen it within `timeoutMs`.
 */
export async function whenBlocked(apps: AppInstance[], ip: string, timeoutMs = 5000): Promise<Array<number | undefined>> {
  const seen: Array<number | undefined> = apps.map(() => undefined);
  const until = performance.now() + timeoutMs;
  while (seen.includes(undefined) && performance.now() < until) {
    apps.forEach((app, i) => {
      if (seen[i] === undefined && app.middleware.guard.blocked({ ip })) seen[i] = performance.now();
    });
    await new Promise((r) => setTimeout(r, 1));
  }
  return seen;
}

/** A GET with an API key from a given client address (the apps trust X-Forwarded-For from loopback). */
export async function get(app: AppInstance, key: string, ip?: string): Promise<number> {
  const headers: Record<string, string> = { "x-api-key": key };
  if (ip) headers["x-forwarded-for"] = ip;
  const res = await fetch(`${app.base}/api/agents`, { headers });
  await res.arrayBuffer();
  return res.status;
}
