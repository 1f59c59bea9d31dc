import { parentPort, workerData } from "node:worker_threads";
import type { Finding } from "../core/finding.js";
import type { ScanConfig } from "./config.js";
import { loadScanRules, rulesFingerprint } from "./registry.js";
import { scanOneFile, type FileJob } from "./scan-file.js";

/** A scan worker: builds the rules itself (functions do not cross threads), then scans the files it is sent. */
interface Init {
  config: ScanConfig;
  version: string;
  maxFileSize: number;
  categories?: string[];
  cache?: Array<[string, Finding[]]>;
}

const init = workerData as Init;
const rules = loadScanRules(init.config, init.categories);
const context = {
  rules,
  rulesFingerprint: rulesFingerprint(rules, init.version),
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
