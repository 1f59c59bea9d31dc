import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join, relative } from "node:path";
import { readYamlFile, schemaCheck } from "../../core/yaml-document.js";
import type { ScanRule } from "../rule.js";
import { compilePatternRule, patternRuleSchema, type PatternRuleEntry } from "./pattern-rule.js";

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

let cachedEntries: LoadedEntry[] | undefined;

export function loadSecretRuleEntries(dir = SECRET_RULES_DIR): LoadedEntry[] {
  if (dir === SECRET_RULES_DIR && cachedEntries) return cachedEntries;
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const entries = files.flatMap((name) => {
    const file = join(dir, name);
    const { value, source } = readYamlFile<{ rules: PatternRuleEntry[] }>(file, checkFile);
    return value.rules.map((entry, i) => ({ entry: { ...entry, source: relative(repoRoot, file) }, file, line: source.lineOf(`/rules/${i}`) }));
  });
  if (dir === SECRET_RULES_DIR) cachedEntries = entries;
  return entries;
}

/** Takes the entries as another thread read them (a scan worker skips parsing and validating the YAML). */
export function adoptSecretRuleEntries(entries: LoadedEntry[]): void {
  cachedEntries = entries;
  cached = undefined;
}

let cached: ScanRule[] | undefined;

/** Rampart's own secret rules from rules/secrets/*.yaml, compiled once per process. */
export function loadSecretRules(): ScanRule[] {
  cached ??= loadSecretRuleEntries().map(({ entry, file, line }) => compilePatternRule(entry as unknown as Record<string, unknown>, { file, line }));
  return cached;
}
