import { enableCompileCache } from "node:module";
import { parentPort, workerData } from "node:worker_threads";
import type { Finding } from "../core/finding.js";
import type { ScanConfig } from "./config.js";
import type { RuleSources } from "./rule-sources.js";
import type { FileJob } from "./scan-file.js";

/** A scan worker: builds the rules itself (functions do not cross threads), then scans the files it is sent. */
interface Init {
  config: ScanConfig;
  version: string;
  maxFileSize: number;
  categories?: string[];
  cache?: Array<[string, Finding[]]>;
  /** The parent's compiled-code cache directory, when it keeps one (the CLI does). */
  compileCache?: string;
  /** The rule files as the parent read and validated them. */
  sources?: RuleSources;
  /** The parent's rules fingerprint (hashing the scan code once is enough). */
  rulesFingerprint: string;
}

const init = workerData as Init;
// Workers do not inherit the parent's compile cache; with it, loading the rule modules takes half the time.
// Enabled before the rule modules are imported, hence the dynamic imports.
if (init.compileCache) enableCompileCache?.(init.compileCache);
const { adoptRuleSources, loadScanRules } = await import("./registry.js");
const { scanOneFile } = await import("./scan-file.js");
if (init.sources) adoptRuleSources(init.sources);
const rules = loadScanRules(init.config, init.categories);
const context = {
  rules,
  rulesFingerprint: init.rulesFingerprint,
  maxFileSize: init.maxFileSize,
  ...(init.cache ? { cache: new Map(init.cache) } : {}),
};

parentPort?.on("message", (message: { id: number; jobs: FileJob[]; close?: boolean }) => {
  if (message.close) {
    parentPort?.close();
    return;
  }
  parentPort?.postMessage({ id: message.id, outcomes: message.jobs.map((job) => scanOneFile(job, context)) });
});
parentPort?.postMessage({ ready: true });
