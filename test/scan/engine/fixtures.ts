import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withGithubStyleChecksum } from "../../../src/scan/secrets/checksums.js";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function randomChars(n: number, alphabet = ALNUM): string {
  const bytes = randomBytes(n);
  let out = "";
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** A GitHub personal access token in the real format with random content, fresh per test run. */
export function githubToken(): string {
  return withGithubStyleChecksum("ghp_", randomChars(30).replace(/[^A-Za-z0-9]/g, "x"));
}

export function tempDir(prefix = "rampart-scan-"): { dir: string; cleanup(): void; write(rel: string, text: string): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
    /** Writes a file below the directory, creating its folders. */
    write(rel, text) {
      const path = join(dir, rel);
      mkdirSync(join(path, ".."), { recursive: true });
      writeFileSync(path, text);
    },
  };
}
