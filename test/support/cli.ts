import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { CliIo } from "../../src/cli/io.js";
import { run } from "../../src/cli/program.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let cacheHome: string | undefined;

/**
 * The XDG_CACHE_HOME every CLI run from the tests gets unless it brings its own: scans cache there, not in the
 * user's ~/.cache/rampart. One temporary directory per test process, removed when the process exits.
 */
export function testCacheHome(): string {
  if (cacheHome === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "rampart-test-cache-"));
    cacheHome = dir;
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return cacheHome;
}

/** Runs the CLI in-process with captured output; the fast path for most CLI tests. */
export async function runCli(argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; tty?: boolean; stdin?: string } = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: options.tty ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: options.tty ?? false },
    env: { NO_COLOR: "1", XDG_CACHE_HOME: testCacheHome(), ...options.env },
    cwd: options.cwd ?? process.cwd(),
    ...(options.stdin !== undefined ? { stdin: Object.assign(Readable.from([options.stdin]), { isTTY: options.tty ?? false }) } : {}),
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const builtBin = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

/** Runs the built `rampart` binary as a user would (npm test builds it first). */
export function spawnCli(argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): CliResult {
  const result = spawnSync(process.execPath, [builtBin, ...argv], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, NO_COLOR: "1", XDG_CACHE_HOME: testCacheHome(), ...options.env },
    input: options.input ?? "",
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status ?? 2, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The built binary, without blocking this process: use it when the test also serves something the CLI
 * calls (the GitHub stand-in, an OTLP receiver), which spawnCli's synchronous wait would starve.
 */
export function spawnCliAsync(argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [builtBin, ...argv], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, NO_COLOR: "1", XDG_CACHE_HOME: testCacheHome(), ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code: code ?? 2, stdout, stderr }));
  });
}
