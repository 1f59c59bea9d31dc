import { createHash } from "node:crypto";
import { Worker } from "node:worker_threads";
import { type AttackPattern, check, type Diagnostics } from "recheck";

/** The project's bar (issue 15): no regex may spend more than a second on a megabyte of adversarial input. */
export const ATTACK_BYTES = 1 << 20;
export const ATTACK_LIMIT_MS = 1000;
/** recheck's budget per pattern (a third for the automatic checker, then this for the fuzzer); a pattern it cannot decide has to be simplified. */
export const RECHECK_TIMEOUT_MS = 30_000;

export interface SafetyVerdict {
  safe: boolean;
  /** Why, for the failure message: recheck's verdict and, for a suspect, what the attack cost in V8. */
  reason: string;
}

/**
 * Is this regex free of catastrophic backtracking? recheck decides first. When it reports a pattern
 * vulnerable, its attack string is grown to 1 MB and run through V8 (the engine that runs the rule) in a
 * worker with a deadline: recheck counts steps of bounded repeats like `[a-z]{20,40}` as super-linear
 * growth, which V8 finishes in milliseconds, while a real quadratic or exponential pattern runs for minutes.
 * So "unsafe" means: recheck found an attack AND that attack takes over a second per megabyte in V8.
 */
export async function judgeRegex(pattern: string, flags: string): Promise<SafetyVerdict> {
  let diagnostics: Diagnostics;
  try {
    diagnostics = await check(pattern, flags, { timeout: RECHECK_TIMEOUT_MS / 3 });
    // The automaton checker can drown in case-insensitive alternations that the fuzzer settles quickly.
    if (diagnostics.status === "unknown" && diagnostics.error.kind === "timeout")
      diagnostics = await check(pattern, flags, { timeout: RECHECK_TIMEOUT_MS, checker: "fuzz" });
  } catch (error) {
    return { safe: false, reason: `recheck failed: ${(error as Error).message}` };
  }
  if (diagnostics.status === "safe") return { safe: true, reason: `recheck: safe (${diagnostics.complexity.type})` };
  if (diagnostics.status === "unknown") {
    const why =
      diagnostics.error.kind === "timeout"
        ? `could not decide within ${RECHECK_TIMEOUT_MS / 1000} s`
        : `${diagnostics.error.kind}: ${"message" in diagnostics.error ? diagnostics.error.message : ""}`;
    return { safe: false, reason: `recheck ${why}; simplify the pattern (bounded repeats, no overlapping alternatives)` };
  }
  const attack = growAttack(diagnostics.attack, ATTACK_BYTES);
  const ms = await timeMatch(pattern, flags, attack, ATTACK_LIMIT_MS);
  const label = `recheck: ${diagnostics.complexity.type}${"degree" in diagnostics.complexity ? ` (degree ${diagnostics.complexity.degree})` : ""}, attack ${diagnostics.attack.pattern}`;
  if (ms === undefined || ms > ATTACK_LIMIT_MS)
    return { safe: false, reason: `${label} grown to ${attack.length} characters took over ${ATTACK_LIMIT_MS} ms of CPU in V8` };
  return { safe: true, reason: `${label}: V8 matched ${attack.length} characters in ${ms.toFixed(0)} ms of CPU (bounded repeats, not a real blow-up)` };
}

/** The attack with each pump repeated so that the whole string is about `bytes` long. */
export function growAttack(attack: AttackPattern, bytes: number): string {
  const fixed = attack.pumps.reduce((n, p) => n + p.prefix.length, attack.suffix.length);
  const pumpChars = attack.pumps.reduce((n, p) => n + p.pump.length, 0) || 1;
  const times = Math.max(1, Math.floor((bytes - fixed) / pumpChars));
  return attack.pumps.map((p) => p.prefix + p.pump.repeat(times)).join("") + attack.suffix;
}

/**
 * CPU milliseconds V8 needs to find every match of the regex in `text`, measured on the worker thread (the
 * machine may be busy: wall time would count other processes), or undefined when the worker has not finished
 * within three times `limitMs` of wall time (it is then terminated; a real blow-up runs for minutes).
 */
export function timeMatch(pattern: string, flags: string, text: string, limitMs: number): Promise<number | undefined> {
  const source = `
    const { parentPort, workerData } = require("node:worker_threads");
    const re = new RegExp(workerData.pattern, workerData.flags.replace("g", "") + "g");
    const started = process.threadCpuUsage();
    for (const _ of workerData.text.matchAll(re));
    const used = process.threadCpuUsage(started);
    parentPort.postMessage((used.user + used.system) / 1000);`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: { pattern, flags, text } });
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve(undefined);
    }, limitMs * WALL_FACTOR);
    worker.once("message", (ms: number) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(ms);
    });
    worker.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

const WALL_FACTOR = 3;

/** The cache key of a verdict: it changes with the pattern, its flags and the checker's version. */
export function verdictKey(pattern: string, flags: string, checkerVersion: string): string {
  return createHash("sha256").update(`${checkerVersion}\0${flags}\0${pattern}`).digest("hex").slice(0, 32);
}
