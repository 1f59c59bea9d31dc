import { createHash } from "node:crypto";
import { readCatalogSnapshot } from "./catalog-snapshot.js";
import { adoptMisconfigRuleSources, loadMisconfigRuleSources, loadMisconfigRules, type MisconfigRuleSource } from "./misconfig/catalog.js";
import { FINGERPRINT_SCHEME } from "./fingerprint.js";
import type { ScanRule } from "./rule.js";
import { loadSecretlintRules } from "./secretlint-adapter.js";
import { compileCustomRules, type ScanConfig } from "./config.js";
import { adoptSecretRuleEntries, loadSecretRuleEntries, loadSecretRules, type LoadedEntry } from "./secrets/catalog.js";

/** The catalog's rule files, read and validated: plain data that crosses to worker threads. */
export interface RuleSources {
  secrets: LoadedEntry[];
  misconfig: MisconfigRuleSource[];
}

export function ruleSources(): RuleSources {
  adoptCatalogSnapshot();
  return { secrets: loadSecretRuleEntries(), misconfig: loadMisconfigRuleSources() };
}

let snapshotTried = false;

/** Once per process: the build's validated copy of the catalog, when the rule files have not changed since. */
function adoptCatalogSnapshot(): void {
  if (snapshotTried) return;
  snapshotTried = true;
  const snapshot = readCatalogSnapshot();
  if (snapshot) adoptRuleSources(snapshot);
}

/** Builds later rules from sources another thread already read (a scan worker's start-up skips the YAML work). */
export function adoptRuleSources(sources: RuleSources): void {
  snapshotTried = true;
  adoptSecretRuleEntries(sources.secrets);
  adoptMisconfigRuleSources(sources.misconfig);
}

/** Every secret-detecting rule with its default settings (what redactSecretsInText runs). */
export function loadAllSecretRules(): ScanRule[] {
  adoptCatalogSnapshot();
  return [...loadSecretRules(), ...loadSecretlintRules()];
}

/** Every rule a scan can run, before config: our secret rules, secretlint's, misconfiguration checks. */
export function loadCatalogRules(): ScanRule[] {
  adoptCatalogSnapshot();
  return [...loadSecretRules(), ...loadSecretlintRules(), ...loadMisconfigRules()];
}

/** The rules a scan runs: the catalog plus custom rules, with the config's enable/disable/severity applied. */
export function loadScanRules(config?: ScanConfig, categories?: readonly string[]): ScanRule[] {
  const all = [...loadCatalogRules(), ...(config ? compileCustomRules(config) : [])];
  const rules = categories && categories.length > 0 ? all.filter((r) => categories.includes(r.meta.category)) : all;
  if (!config) return rules;
  const out: ScanRule[] = [];
  for (const rule of rules) {
    const override = config.rules[rule.meta.id];
    if (override?.enabled === false) continue;
    if (override?.severity) out.push({ meta: { ...rule.meta, severity: override.severity }, check: rule.check });
    else out.push(rule);
  }
  return out;
}

/** Changes whenever the rule set or its settings change; part of the rescan cache key. */
export function rulesFingerprint(rules: readonly ScanRule[], version: string): string {
  // Cached findings carry fingerprints: a new fingerprint scheme must not be served from an old cache.
  const hash = createHash("sha256").update(`${version}\0fingerprint-v${FINGERPRINT_SCHEME}`);
  // Rule data (patterns, allow lists) lives in closures, so data-driven rules carry a `revision` of their definition.
  for (const r of rules) hash.update(`\0${JSON.stringify(r.meta)}\0${r.check.toString()}`);
  return hash.digest("hex").slice(0, 16);
}
