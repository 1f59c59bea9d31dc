import { enableCompileCache } from "node:module";
import { parentPort, workerData } from "node:worker_threads";
import type { Finding } from "../core/finding.js";
import type { Fragment } from "./fragment.js";
import type { RuleSetDescription } from "./registry.js";

/** A scan worker: builds its own Scanner from the parent's rule-set description, then scans the files it is sent. */
export interface WorkerInit {
  /** The rule set as plain data (functions do not cross threads); the parent already read and validated it. */
  ruleSet: RuleSetDescription;
  /** The parent's rules fingerprint (hashing the scan code once is enough). */
  rulesFingerprint: string;
  maxFileSize: number;
  cache?: Array<[string, Finding[]]>;
  /** The parent's compiled-code cache directory, when it keeps one (the CLI does). */
  compileCache?: string;
}

const init = workerData as WorkerInit;
// Workers do not inherit the parent's compile cache; with it, loading the rule modules takes half the time.
// Enabled before the rule modules are imported, hence the dynamic imports.
if (init.compileCache) enableCompileCache?.(init.compileCache);
const { Scanner } = await import("./scanner.js");
const { scanFragment } = await import("./scan-file.js");
const context = {
  scanner: Scanner.fromDescription(init.ruleSet, { fingerprint: init.rulesFingerprint }),
  maxFileSize: init.maxFileSize,
  ...(init.cache ? { cache: new Map(init.cache) } : {}),
};

parentPort?.on("message", (message: { id: number; jobs: Fragment[]; close?: boolean }) => {
  if (message.close) {
    parentPort?.close();
    return;
  }
  parentPort?.postMessage({ id: message.id, outcomes: message.jobs.map((fragment) => scanFragment(fragment, context)) });
});
parentPort?.postMessage({ ready: true });
