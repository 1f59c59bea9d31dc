#!/usr/bin/env node
// `npm run bench [-- name...]`: runs every bench/<name>-bench.js (scan, detect, ...) one after another.
// Benches measure speed and memory side by side with peer tools; they are reports, not pass/fail tests.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => /^[a-z0-9-]+-bench\.(m?js)$/.test(f))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/-bench\.m?js$/, "")))
  .sort();
if (benches.length === 0) {
  console.error(
    `no bench matches ${wanted.join(", ")}; available: ${readdirSync(here)
      .filter((f) => f.includes("-bench."))
      .join(", ")}`,
  );
  process.exit(2);
}
let failed = 0;
for (const bench of benches) {
  console.log(`\n=== ${bench} ===`);
  const result = spawnSync(process.execPath, [join(here, bench)], { stdio: "inherit" });
  if (result.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
