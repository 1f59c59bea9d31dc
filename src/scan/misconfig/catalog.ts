import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../../core/errors.js";
import { readYamlFile, schemaCheck } from "../../core/yaml-document.js";
import { contextOf } from "../file-context.js";
import type { ScanFile, ScanReport, ScanRule } from "../rule.js";
import { CHECKS } from "./checks/index.js";
import { type MisconfigExample, type MisconfigRuleData, misconfigRuleSchema } from "./rule-schema.js";

/**
 * Misconfiguration rules: metadata, remediation, references and examples are data in
 * rules/misconfig/<id>.yaml; the check itself is src/scan/misconfig/checks/<id>.ts, selected by id.
 */

/** rules/misconfig sits at the package root: three levels above both src/scan/misconfig and dist/scan/misconfig. */
export const MISCONFIG_RULES_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "rules", "misconfig");

/** A loaded rule together with the examples its YAML carries (what the example tests run). */
export interface MisconfigRuleDefinition {
  rule: ScanRule;
  positive: MisconfigExample[];
  negative: MisconfigExample[];
  file: string;
}

const checkData = schemaCheck(misconfigRuleSchema);

/** One rule file, read and validated: plain data, so a scan worker can be sent it instead of re-reading. */
export interface MisconfigRuleSource {
  data: MisconfigRuleData;
  path: string;
}

/** Reads and validates every rule file (no cache: a scan reads its rule set once, or takes the build's snapshot). */
export function loadMisconfigRuleSources(dir = MISCONFIG_RULES_DIR): MisconfigRuleSource[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort();
  const sources = files.map((name) => {
    const path = join(dir, name);
    return { data: readYamlFile<MisconfigRuleData>(path, checkData).value, path };
  });
  return sources;
}

export function loadMisconfigRuleDefinitions(dir = MISCONFIG_RULES_DIR): MisconfigRuleDefinition[] {
  return loadMisconfigRuleSources(dir).map(toDefinition);
}

/** The rules of read rule files (as read here, or as another thread read them). */
export function compileMisconfigRules(sources: readonly MisconfigRuleSource[]): ScanRule[] {
  return sources.map((source) => toDefinition(source).rule);
}

/** Every misconfiguration rule of the catalog on disk. */
export function loadMisconfigRules(): ScanRule[] {
  return compileMisconfigRules(loadMisconfigRuleSources());
}

function toDefinition({ data, path }: MisconfigRuleSource): MisconfigRuleDefinition {
  const check = CHECKS[data.id];
  if (!check) {
    throw new ConfigError(`rule "${data.id}" has no check; add src/scan/misconfig/checks/${data.id}.ts and list it in checks/index.ts`, { file: path });
  }
  const candidates = (data.candidates ?? []).map((c) => compileCandidate(c, data.id, path));
  const rule: ScanRule = {
    meta: {
      id: data.id,
      category: data.category ?? "misconfig",
      severity: data.severity,
      description: data.description,
      source: `rules/misconfig/${data.id}.yaml`,
      // Any change to the rule's data (candidates included) invalidates the rescan cache.
      revision: createHash("sha256").update(JSON.stringify(data)).digest("hex").slice(0, 16),
      remediation: data.remediation.trim(),
      references: data.references,
      ...(data.files ? { files: data.files } : {}),
      ...(data.keywords ? { keywords: data.keywords } : {}),
      // A rule whose examples carry a file list judges a file against the tree: the engine must supply it.
      ...([...data.examples.positive, ...data.examples.negative].some((e) => typeof e === "object" && "tree" in e && e.tree) ? { needsTree: true } : {}),
    },
    check: (file: ScanFile): ScanReport[] => (candidates.every((c) => c.test(file.text)) ? check(contextOf(file)) : []),
  };
  return { rule, positive: data.examples.positive, negative: data.examples.negative, file: path };
}

function compileCandidate(source: string, id: string, file: string): RegExp {
  try {
    return new RegExp(source, "i");
  } catch (error) {
    throw new ConfigError(`rule "${id}": candidates: invalid regular expression: ${(error as Error).message}`, { file });
  }
}
