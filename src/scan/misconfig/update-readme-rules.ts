#!/usr/bin/env node
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { allRules } from "../../cli/commands/rules.js";
import { withRuleList } from "./rule-list.js";

/**
 * Regenerates README.md's rule list from the registry behind `rampart rules list`:
 *   npx tsc -p tsconfig.build.json && node dist/scan/misconfig/update-readme-rules.js
 */
const readmePath = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "README.md");
const before = readFileSync(readmePath, "utf8");
const after = withRuleList(before, await allRules());
if (after === before) {
  process.stdout.write(`${readmePath}: rule list already up to date\n`);
} else {
  writeFileSync(readmePath, after);
  process.stdout.write(`${readmePath}: rule list updated\n`);
}
