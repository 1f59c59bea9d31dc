import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export { githubToken, randomChars } from "../../support/tokens.js";

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
