import type { MisconfigRuleSource } from "./misconfig/catalog.js";
import type { LoadedEntry } from "./secrets/catalog.js";

/**
 * The catalog's rule files, read and validated: plain data that crosses to worker threads and into the
 * build's snapshot. Its own module, so registry.ts and catalog-snapshot.ts do not import each other.
 */
export interface RuleSources {
  secrets: LoadedEntry[];
  misconfig: MisconfigRuleSource[];
}
