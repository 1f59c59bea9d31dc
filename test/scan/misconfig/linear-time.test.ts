import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../support/cli.js";

/**
 * The crafted files that took 9-63 s each (`--jobs 1`) before the checks were made linear. Each must now scan
 * in a few seconds of CPU. CPU time, not wall time: with `--jobs 1` the scan runs on this thread, and CPU time
 * does not grow when other jobs load the shared machine (a load average of 25 on 2 cores was seen).
 */
const BUDGET_MS = 8_000;
const fill = (unit: string, bytes: number) => unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);

const WORDS =
  "abandon ability able about above absent absorb abstract absurd abuse access accident account accuse achieve acid acoustic acquire across act action actor actress actual".split(
    " ",
  );
function wordlistLines(bytes: number): string {
  const lines: string[] = ["wallet seed phrase notes:"];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = Array.from({ length: 40 }, (_, k) => WORDS[((i * 40 + k) * 7) % WORDS.length]).join(" ");
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join("\n")}\n`;
}

const cases: Array<{ name: string; file: string; text: () => string }> = [
  {
    name: "non-constant-time-secret-comparison: 128 KB of comparison lines",
    file: "src/auth.ts",
    text: () => fill("if (apiKey === process.env.API_TOKEN) ok();\n", 128 * 1024),
  },
  {
    name: "hardcoded-secret-fallback: a 200 KB line of process.env.+secret",
    file: "src/config.ts",
    // Short lines after it keep the average under the minified-file cut-off, as an attacker would.
    text: () => `const x = process.env.${fill("secret", 200 * 1024)};\n${"\n".repeat(400)}`,
  },
  {
    name: "eliza-character-secret: `secrets: {` never closed, 256 KB",
    file: "characters/agent.character.json",
    text: () => `{"settings": {"secrets": {\n${fill('"A": "bbbbbbbb1",\n', 256 * 1024)}`,
  },
  {
    name: "Dockerfile rules: 256 KB of backslash continuations",
    file: "Dockerfile",
    text: () => `FROM node:20\nENV A="x \\\n${fill('  B="unclosed \\\n', 256 * 1024)}\n`,
  },
  { name: "bip39-mnemonic: 256 KB of wordlist words", file: "notes.txt", text: () => wordlistLines(256 * 1024) },
];

describe("slow checks on crafted files are linear", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const dir = mkdtempSync(join(tmpdir(), "rampart-linear-"));
      mkdirSync(dirname(join(dir, c.file)), { recursive: true });
      writeFileSync(join(dir, c.file), c.text());
      const started = process.cpuUsage();
      const result = await runCli(["scan", ".", "--jobs", "1", "--no-cache", "--format", "json"], { cwd: dir });
      const used = process.cpuUsage(started);
      const elapsed = (used.user + used.system) / 1000;
      expect(result.stderr).not.toContain("rule error");
      const summary = (JSON.parse(result.stdout) as { summary: { scanned: number } }).summary;
      expect(summary.scanned).toBe(1);
      expect(elapsed).toBeLessThan(BUDGET_MS);
    }, 120_000);
  }
});
