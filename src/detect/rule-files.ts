import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// Shared by rule.ts (which validates rules) and safe-pattern.ts (which rule.ts calls), so neither imports the other.

/** The match fields that hold regular expressions. */
export const PATTERN_FIELDS = ["path", "body", "userAgent", "exceptPrincipal"] as const;

/** The detect rule files that ship with Rampart. */
export function defaultRulesDir(): string {
  // dist/detect/rule-files.js and src/detect/rule-files.ts both sit two levels below the package root.
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "rules", "detect");
}
