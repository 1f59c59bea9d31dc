import { createHash } from "node:crypto";
import { readCatalogSnapshot } from "./catalog-snapshot.js";
import { scanCodeDigest } from "./code-digest.js";
import { compileCustomRules, EMPTY_CONFIG, type ScanConfig } from "./config.js";
import { FINGERPRINT_SCHEME } from "./fingerprint.js";
import { compileMisconfigRules, loadMisconfigRuleSources } from "./misconfig/catalog.js";
import type { ScanRule } from "./rule.js";
import type { RuleSources } from "./rule-sources.js";
import { loadSecretlintRules } from "./secretlint-adapter.js";
import { compileSecretRules, loadSecretRuleEntries } from "./secrets/catalog.js";

export type { RuleSources };

/**
 * Everything a rule set is made from, as plain data: what a scan's worker threads are sent to build their own
 * Scanner (functions do not cross threads), and what decides which rules a scan runs.
 */
export interface RuleSetDescription {
  /** The catalog's rule files as read and validated. */
  sources: RuleSources;
  /** Custom rules, enable/disable and severity settings. */
  config: ScanConfig;
  /** Only rules of these categories (`secret`, `misconfig`); empty means all. */
  categories: readonly string[];
  /** The Rampart version, part of the rescan cache key. */
  version: string;
}

/**
 * The catalog's rule files: the build's validated snapshot while the rule files hash as the build saw them,
 * else read and validated from the YAML. Read afresh each time: a rule set is described once per scan.
 */
export function readRuleSources(): RuleSources {
  return readCatalogSnapshot() ?? { secrets: loadSecretRuleEntries(), misconfig: loadMisconfigRuleSources() };
}

/** The description of a scan's rule set from today's catalog. */
export function describeRuleSet(config: ScanConfig = EMPTY_CONFIG, categories: readonly string[] = [], version = "dev"): RuleSetDescription {
  return { sources: readRuleSources(), config, categories: [...categories], version };
}

/** The rules a description names: the catalog plus custom rules, with the config's enable/disable/severity applied. */
export function compileRuleSet({ sources, config, categories }: Pick<RuleSetDescription, "sources" | "config" | "categories">): ScanRule[] {
  const all = [...catalogRules(sources), ...compileCustomRules(config)];
  const rules = categories.length > 0 ? all.filter((r) => categories.includes(r.meta.category)) : all;
  const out: ScanRule[] = [];
  for (const rule of rules) {
    const override = config.rules[rule.meta.id];
    if (override?.enabled === false) continue;
    if (override?.severity) out.push({ meta: { ...rule.meta, severity: override.severity }, check: rule.check });
    else out.push(rule);
  }
  return out;
}

function catalogRules(sources: RuleSources): ScanRule[] {
  return [...compileSecretRules(sources.secrets), ...loadSecretlintRules(), ...compileMisconfigRules(sources.misconfig)];
}

/** Every secret-detecting rule with its default settings (what redactSecretsInText runs). */
export function loadAllSecretRules(): ScanRule[] {
  return [...compileSecretRules(readRuleSources().secrets), ...loadSecretlintRules()];
}

/** Every rule a scan can run, before config: our secret rules, secretlint's, misconfiguration checks. */
export function loadCatalogRules(): ScanRule[] {
  return catalogRules(readRuleSources());
}

/** The rules a scan runs: the catalog plus custom rules, with the config's enable/disable/severity applied. */
export function loadScanRules(config: ScanConfig = EMPTY_CONFIG, categories: readonly string[] = []): ScanRule[] {
  return compileRuleSet({ sources: readRuleSources(), config, categories });
}

/**
 * Changes whenever the rule set, its settings, the scan code or a rule package's version changes; part of
 * the rescan cache key.
 */
export function rulesFingerprint(rules: readonly ScanRule[], version: string): string {
  // Cached findings carry fingerprints: a new fingerprint scheme must not be served from an old cache.
  const hash = createHash("sha256").update(`${version}\0fingerprint-v${FINGERPRINT_SCHEME}\0`).update(scanCodeDigest());
  // Rule data (patterns, allow lists) lives in closures, so data-driven rules carry a `revision` of their definition.
  for (const r of rules) hash.update(`\0${JSON.stringify(r.meta)}`);
  return hash.digest("hex").slice(0, 16);
}
