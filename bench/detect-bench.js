#!/usr/bin/env node
// Detect bench: (1) throughput of a real Express app on loopback with and without `rampart/express`,
// (2) heap of the detector fed one million distinct source addresses. Loopback only, fixed durations.
// Run through `npm run bench` or `node bench/detect-bench.js` (builds nothing: run `npm run build` first).
import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import http from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist", "detect", "express.js");
const SECONDS = Number(process.env.RAMPART_BENCH_SECONDS ?? 5);
const ROUNDS = 3;
const CONCURRENCY = 32;
const ADDRESSES = Number(process.env.RAMPART_BENCH_ADDRESSES ?? 1_000_000);

const role = process.argv[2];
if (role === "--serve") await serve(process.argv[3] === "with");
else if (role === "--memory") await memory();
else await main();

async function main() {
  if (!existsSync(dist)) {
    console.error("dist/ is missing; run `npm run build` first");
    process.exit(2);
  }
  const results = { without: [], with: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of ["without", "with"]) results[mode].push(await measure(mode));
  }
  const best = (xs) => Math.max(...xs);
  const without = best(results.without);
  const withMw = best(results.with);
  console.log(`throughput (Express 5, ${CONCURRENCY} keep-alive connections, ${SECONDS}s x ${ROUNDS} rounds, best round):`);
  console.log(`  without middleware: ${without.toFixed(0)} req/s`);
  console.log(`  with suspiciousAccess (monitor, all rules): ${withMw.toFixed(0)} req/s`);
  console.log(`  ratio: ${((withMw / without) * 100).toFixed(1)}% (target >= 90%)`);
  const mem = await runChild(["--memory"], ["--expose-gc"]);
  console.log(`memory under ${ADDRESSES.toLocaleString("en")} distinct source addresses (detector fed directly, after GC):`);
  console.log(`  heap before: ${mem.before.toFixed(1)} MB, peak: ${mem.peak.toFixed(1)} MB, after: ${mem.after.toFixed(1)} MB, growth: ${(mem.peak - mem.before).toFixed(1)} MB (target <= 64 MB)`);
  console.log(`  ${mem.events.toLocaleString("en")} events in ${mem.seconds.toFixed(1)} s (${(mem.events / mem.seconds).toFixed(0)} events/s); state entries: ${JSON.stringify(mem.sizes)}`);
  const ok = withMw / without >= 0.9 && mem.peak - mem.before <= 64;
  console.log(ok ? "detect bench: both targets met" : "detect bench: a target was missed");
}

async function measure(mode) {
  const child = fork(fileURLToPath(import.meta.url), ["--serve", mode], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  const port = await new Promise((resolve) => child.once("message", (m) => resolve(m.port)));
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const until = Date.now() + SECONDS * 1000;
  let done = 0;
  const worker = async (w) => {
    for (let i = 0; Date.now() < until; i++) {
      await new Promise((resolve, reject) => {
        const req = http.get({ host: "127.0.0.1", port, path: `/api/workspaces/acme/agents/a${i % 50}`, agent, headers: { "x-api-key": `sk-${w}` } }, (res) => {
          res.resume();
          res.on("end", resolve);
        });
        req.on("error", reject);
      });
      done++;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)));
  const rate = done / ((Date.now() - started) / 1000);
  agent.destroy();
  child.kill();
  return rate;
}

async function serve(withMiddleware) {
  const { default: express } = await import("express");
  const app = express();
  if (withMiddleware) {
    const { suspiciousAccess } = await import(pathToFileURL(dist).href);
    const { pino } = await import("pino");
    app.use(suspiciousAccess({ logger: pino({ level: "warn" }, pino.destination("/dev/null")) }));
  }
  app.get("/api/workspaces/:ws/agents/:id", (req, res) => {
    res.locals.rampart = { principal: `key:${req.header("x-api-key")}`, tenant: req.params.ws, auth: "ok" };
    res.json({ id: req.params.id, name: "agent", status: "ready" });
  });
  const server = app.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }));
}

async function memory() {
  const { Detector } = await import(pathToFileURL(join(root, "dist", "detect", "detector.js")).href);
  const { loadDetectRules } = await import(pathToFileURL(join(root, "dist", "detect", "rule.js")).href);
  const detector = new Detector(loadDetectRules());
  const heap = () => {
    globalThis.gc();
    return process.memoryUsage().heapUsed / 1024 / 1024;
  };
  const before = heap();
  let peak = before;
  const start = Date.parse("2026-01-01T00:00:00Z");
  const started = Date.now();
  for (let n = 0; n < ADDRESSES; n++) {
    // Spraying: every event from a new address; a mix of failed auth, 404 probes and IPv6.
    const ip = n % 4 === 3 ? `2001:db8:${(n >> 16).toString(16)}:${(n & 0xffff).toString(16)}::1` : `${10 + (n >> 24)}.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    const kind = n % 3;
    detector.observe({
      time: new Date(start + n).toISOString(),
      ip,
      method: "GET",
      path: kind === 2 ? `/random/${n}` : "/api/agents",
      status: kind === 0 ? 401 : kind === 1 ? 200 : 404,
      ...(kind === 0 ? { auth: "invalid", principal: `key:guess${n}` } : { auth: "ok", principal: `key:user${n % 5000}`, tenant: `t${n % 50}` }),
      userAgent: "bench/1.0",
    });
    if (n % 100_000 === 99_999) peak = Math.max(peak, heap());
  }
  const seconds = (Date.now() - started) / 1000;
  const after = heap();
  process.send({ before, peak: Math.max(peak, after), after, events: ADDRESSES, seconds, sizes: detector.stateSizes() });
}

function runChild(args, execArgv) {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), args, { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    child.once("message", (m) => {
      resolve(m);
      child.kill();
    });
    child.once("exit", (code) => code && reject(new Error(`memory bench exited with ${code}`)));
  });
}
