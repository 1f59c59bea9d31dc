import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import type { Finding } from "../core/finding.js";
import { readRegularFile, writeFileNoFollow } from "../core/safe-file.js";

/** Entries beyond this are dropped, so the cache never grows without bound. */
const MAX_ENTRIES = 200_000;
const FILE_NAME = "scan-cache-v2.json";
/** A bigger cache file is not read (one entry per file: 200,000 entries stay far below). */
const MAX_CACHE_BYTES = 512 * 1024 * 1024;

/**
 * Where rescan results live: the user's cache directory ($XDG_CACHE_HOME/rampart, else ~/.cache/rampart), one
 * subdirectory per scanned directory. Never inside the scanned tree: a scan leaves `git status` clean, and a
 * repository cannot commit a cache that hides its own findings.
 */
export function defaultCacheDir(base: string, env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const root = xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".cache");
  return join(root, "rampart", scanDirKey(base));
}

function scanDirKey(base: string): string {
  let real = resolve(base);
  try {
    real = realpathSync(real);
  } catch {
    // scanned path vanished: the key of the path as given
  }
  return createHash("sha256").update(real).digest("hex").slice(0, 16);
}

/**
 * Per-file findings keyed by hash(rules and code fingerprint, path, content). Only read when the cache file
 * records the same scanned directory (no entries from another tree), and only as a regular file; a corrupt,
 * foreign or oversized file is treated as empty. Safe to delete at any time.
 */
export function readScanCache(dir: string, base: string): Map<string, Finding[]> {
  try {
    const parsed = JSON.parse(readRegularFile(join(dir, FILE_NAME), { maxBytes: MAX_CACHE_BYTES })) as {
      scanned?: string;
      entries?: Record<string, Finding[]>;
    };
    if (parsed.scanned !== resolve(base)) return new Map();
    return new Map(Object.entries(parsed.entries ?? {}));
  } catch {
    return new Map();
  }
}

/** Keeps only this run's entries (so deleted and changed files fall out), written atomically without following links. */
export function writeScanCache(dir: string, entries: Map<string, Finding[]>, base: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // A planted symlink in place of the directory would redirect the write.
    if (lstatSync(dir).isSymbolicLink()) return;
    const kept: Record<string, Finding[]> = {};
    let n = 0;
    for (const [key, findings] of entries) {
      if (n++ >= MAX_ENTRIES) break;
      kept[key] = findings;
    }
    writeFileNoFollow(join(dir, FILE_NAME), JSON.stringify({ version: 2, scanned: resolve(base), entries: kept }), 0o600);
  } catch {
    // A read-only home or full disk only costs the next scan its speed-up.
  }
}
