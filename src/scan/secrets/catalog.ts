import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { readYamlFile, schemaCheck } from "../../core/yaml-document.js";
import type { ScanRule } from "../rule.js";
import { compilePatternRule, type PatternRuleEntry, patternRuleSchema } from "./pattern-rule.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const SECRET_RULES_DIR = join(repoRoot, "rules", "secrets");

const fileSchema = { type: "object", required: ["rules"], additionalProperties: false, properties: { rules: { type: "array", items: patternRuleSchema } } };
const checkFile = schemaCheck(fileSchema);

/** Each rule entry with the file and line it came from (for examples tests and error messages). */
export interface LoadedEntry {
  entry: PatternRuleEntry;
  file: string;
  line: number;
}

/** Reads and validates every rule file (no cache: a scan reads its rule set once, or takes the build's snapshot). */
export function loadSecretRuleEntries(dir = SECRET_RULES_DIR): LoadedEntry[] {
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const entries = files.flatMap((name) => {
    const file = join(dir, name);
    const { value, source } = readYamlFile<{ rules: PatternRuleEntry[] }>(file, checkFile);
    return value.rules.map((entry, i) => ({ entry: { ...entry, source: relative(repoRoot, file) }, file, line: source.lineOf(`/rules/${i}`) }));
  });
  return entries;
}

/** Rampart's own secret rules compiled from their entries (as read here, or as another thread read them). */
export function compileSecretRules(entries: readonly LoadedEntry[]): ScanRule[] {
  return entries.map(({ entry, file, line }) => compilePatternRule(entry as unknown as Record<string, unknown>, { file, line }));
}

/** Rampart's own secret rules from rules/secrets/*.yaml. */
export function loadSecretRules(): ScanRule[] {
  return compileSecretRules(loadSecretRuleEntries());
}
