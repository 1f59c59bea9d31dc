import { type ChildProcess, fork, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIELD_PREFIX } from "../../src/detect/field-bounds.js";
import { parseLogLine } from "../../src/detect/log-formats.js";
import { builtBin } from "../support/cli.js";
import { waitFor } from "./support.js";

/** Issue 15's URL: 131 bytes that took V8 29.6 s in the old injection-probe pattern. */
const ATTACK = `/x?q=union${"/**/".repeat(30)}x`;

/** The attack and its near misses: longer, encoded, other separators, other rules' patterns. */
const NEAR_MISSES = [
  ATTACK,
  `/x?q=union${"/**/".repeat(500)}x`,
  `/x?q=union${"%20".repeat(600)}x`,
  `/x?q=union${"/*".repeat(900)}x`,
  `/x?q=${"union/**/".repeat(200)}x`,
  `/x?q=union${"%252F%252A%252A%252F".repeat(90)}x`,
  `/x?q=union${"/**/".repeat(30)}all${"%20".repeat(300)}x`,
  `/x?q=%3Csvg${"%20onx".repeat(300)}`,
  `/x?q=<img${"%20a".repeat(900)}`,
  `/x?q='${"%20or%20".repeat(200)}1`,
  `/x?q=\${${"%20".repeat(1000)}x`,
  `/${"a".repeat(3000)}.sql.gz.zip.bak`,
  `/users/${"x".repeat(3000)}/role`,
  `/x?q=union${"/**/".repeat(2000)}x`,
];

// The app runs in its own process (built middleware from dist/): if a pattern backtracks, that process stalls
// while this one keeps time and reports the failure instead of hanging with it.
let app: ChildProcess;
let port = 0;
const alerts: Array<{ rule: string }> = [];

beforeAll(async () => {
  app = fork(fileURLToPath(new URL("../support/detect-app-server.mjs", import.meta.url)), [JSON.stringify({})], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  app.on("message", (m: { alert?: { rule: string } }) => m.alert && alerts.push(m.alert));
  port = await new Promise<number>((resolve) => app.on("message", (m: { port?: number }) => m.port && resolve(m.port)));
  // Warm up: the first requests pay for JIT and lazy loading, which is not what is measured.
  for (let i = 0; i < 20; i++) await get(i % 2 ? "/ok" : `/warm-up?q=a%20b&i=${i}`);
});

afterAll(() => {
  app?.kill("SIGKILL");
});

/** One GET with the path sent byte for byte (fetch would re-encode it); resolves with status and milliseconds. */
function get(path: string, timeoutMs = 5000): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve({ status: 0, ms: performance.now() - started }));
    req.end();
  });
}

/**
 * Sends the attack and, on another connection in the same turn, a normal request; then one more normal request
 * once the attack is answered (when the detector works through its event). Undefined when both normal requests
 * answered 200 within 50 ms, else what was seen.
 */
async function alongside(path: string): Promise<string | undefined> {
  const [attack, normal] = await Promise.all([get(path), new Promise<{ status: number; ms: number }>((r) => setImmediate(() => void get("/ok").then(r)))]);
  const after = await get("/ok");
  expect(attack.status, path.slice(0, 60)).toBe(404);
  const fine = normal.status === 200 && normal.ms <= 50 && after.status === 200 && after.ms <= 50;
  return fine ? undefined : `${normal.status} in ${normal.ms.toFixed(1)} ms / ${after.status} in ${after.ms.toFixed(1)} ms`;
}

describe("no request-path ReDoS (issue 15)", () => {
  it("a normal request sent alongside each attack URL answers within 50 ms", async () => {
    const slow: string[] = [];
    for (const path of NEAR_MISSES) {
      // The machine is shared: a slow answer is measured again (with a fresh query, so no remembered verdict
      // helps) before it counts. Backtracking is not noise: it is slow every time, by seconds.
      const tries: string[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const latency = await alongside(`${path}&try=${attempt}`);
        if (latency === undefined) break;
        tries.push(latency);
      }
      if (tries.length === 3) slow.push(`${path.slice(0, 40)}… (${path.length} bytes): ${tries.join(", ")}`);
    }
    expect(slow).toEqual([]);
  }, 120_000);

  it("still detects the probes the fixed patterns are for", async () => {
    await get("/x?q=1%20union/**/all%20select%20password%20from%20users");
    await waitFor(() => alerts.some((a) => a.rule === "injection-probe"));
  });

  it("`rampart detect replay` of the attack's log lines is fast", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rampart-redos-"));
    const log = join(dir, "access.log");
    writeFileSync(
      log,
      NEAR_MISSES.map(
        (p, i) => `203.0.113.${i + 1} - - [10/Oct/2026:13:55:${String(10 + i).padStart(2, "0")} +0000] "GET ${p} HTTP/1.1" 404 12 "-" "curl/8.5.0"\n`,
      ).join(""),
    );
    // The CLI in its own process with a deadline: the old pattern took 29 s on the first line alone (and this
    // process must not stall with it). Node's start-up and loading the CLI are most of what remains.
    const started = performance.now();
    const cli = spawnSync(process.execPath, [builtBin, "detect", "replay", log], { encoding: "utf8", timeout: 10_000, env: { ...process.env, NO_COLOR: "1" } });
    expect(cli.signal, "replay was killed at its 10 s deadline").toBeNull();
    expect(performance.now() - started).toBeLessThan(5000);
    expect(cli.stdout).toContain(`replayed ${NEAR_MISSES.length} events`);
  }, 30_000);

  it("cuts long fields of replayed events to the documented prefix", () => {
    const ua = "u".repeat(5000);
    const event = parseLogLine(
      JSON.stringify({
        time: "2026-01-01T00:00:00Z",
        ip: "203.0.113.1",
        method: "GET",
        path: `/${"p".repeat(9000)}`,
        status: 404,
        userAgent: ua,
        principal: "k".repeat(900),
      }),
    )!;
    expect(event.path.length).toBe(FIELD_PREFIX.path);
    expect(event.userAgent!.length).toBe(FIELD_PREFIX.userAgent);
    expect(event.principal!.length).toBe(FIELD_PREFIX.identity);
  });
});
