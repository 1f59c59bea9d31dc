import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Finding } from "../core/finding.js";

/** Entries beyond this are dropped, so the cache never grows without bound. */
const MAX_ENTRIES = 200_000;
const FILE_NAME = "scan-cache-v1.json";

/** Where rescan results live: inside node_modules/.cache when there is one (tools agree to use it), else .rampart-cache/. */
export function defaultCacheDir(base: string): string {
  return existsSync(join(base, "node_modules")) ? join(base, "node_modules", ".cache", "rampart") : join(base, ".rampart-cache");
}

/**
 * Per-file findings keyed by hash(rules fingerprint, path, content). Safe to delete at any time; a corrupt
 * or foreign file is treated as empty.
 */
export function readScanCache(dir: string): Map<string, Finding[]> {
  try {
    const parsed = JSON.parse(readFileSync(join(dir, FILE_NAME), "utf8")) as { entries?: Record<string, Finding[]> };
    return new Map(Object.entries(parsed.entries ?? {}));
  } catch {
    return new Map();
  }
}

/** Keeps only this run's entries (so deleted and changed files fall out), written atomically. */
export function writeScanCache(dir: string, entries: Map<string, Finding[]>): void {
  try {
    mkdirSync(dir, { recursive: true });
    const kept: Record<string, Finding[]> = {};
    let n = 0;
    for (const [key, findings] of entries) {
      if (n++ >= MAX_ENTRIES) break;
      kept[key] = findings;
    }
    const tmp = join(dir, `${FILE_NAME}.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify({ version: 1, entries: kept }));
    renameSync(tmp, join(dir, FILE_NAME));
  } catch {
    // A read-only checkout or full disk only costs the next scan its speed-up.
  }
}
