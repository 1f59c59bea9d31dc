import { parse } from "smol-toml";
import { ConfigError } from "../../core/errors.js";
import { readRegularFile } from "../../core/safe-file.js";
import { GoRegexError, type TranslatedRegex, translateGoRegex } from "./go-regex.js";
import type { PatternRuleEntry } from "./pattern-rule.js";

/**
 * Reads a gitleaks-format config (`.gitleaks.toml`) into Rampart custom rules, so teams moving over keep
 * the rules they wrote. Each `[[rules]]` entry becomes a pattern rule: its regex translated from Go's
 * dialect (go-regex.ts), keywords, entropy, secretGroup, path, and allowlists (regexes, stopwords, paths).
 * The global `[allowlist]`/`[[allowlists]]` applies to every rule of the file. `[extend]` is ignored:
 * Rampart's own catalog already plays the part of gitleaks' default rules.
 */
export interface GitleaksRules {
  rules: PatternRuleEntry[];
  /** Rule ids that came from the file, in order (the Rampart id is a slug of gitleaks' id). */
  ids: string[];
}

interface GitleaksAllowlist {
  regexes?: string[];
  regexTarget?: string;
  stopwords?: string[];
  paths?: string[];
  condition?: string;
  commits?: string[];
}

interface GitleaksRule {
  id?: string;
  description?: string;
  regex?: string;
  secretGroup?: number;
  entropy?: number;
  keywords?: string[];
  path?: string;
  tags?: string[];
  allowlist?: GitleaksAllowlist;
  allowlists?: GitleaksAllowlist[];
}

const MAX_TOML_BYTES = 4 * 1024 * 1024;

export function readGitleaksConfig(file: string, options: { root?: string } = {}): GitleaksRules {
  const text = readRegularFile(file, { maxBytes: MAX_TOML_BYTES, ...options });
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (error) {
    const line = (error as { line?: number }).line;
    throw new ConfigError(`invalid TOML: ${(error as Error).message.split("\n")[0]}`, { file, ...(line ? { line } : {}) });
  }
  const global = allowlistsOf(doc as { allowlist?: GitleaksAllowlist; allowlists?: GitleaksAllowlist[] });
  const raw = Array.isArray(doc.rules) ? (doc.rules as GitleaksRule[]) : [];
  const rules = raw.map((rule, i) => convertRule(rule, i, global, file, lineOfRule(text, i)));
  return { rules, ids: rules.map((r) => r.id) };
}

function convertRule(rule: GitleaksRule, index: number, global: GitleaksAllowlist[], file: string, line: number | undefined): PatternRuleEntry {
  const where = { file, ...(line ? { line } : {}) };
  const name = rule.id ?? `rule ${index + 1}`;
  if (typeof rule.regex !== "string" || rule.regex.length === 0) {
    throw new ConfigError(`gitleaks rule "${name}" has no regex (path-only rules are not supported); give it a regex or remove it`, where);
  }
  let translated: TranslatedRegex;

  try {
    translated = translateGoRegex(rule.regex, rule.secretGroup);
    new RegExp(translated.pattern, translated.ignoreCase ? "di" : "d");
  } catch (error) {
    const why = error instanceof GoRegexError ? error.message : `not a valid regex after translation from Go syntax (${(error as Error).message})`;
    throw new ConfigError(`gitleaks rule "${name}": ${why}`, where);
  }
  const lists = [...global, ...allowlistsOf(rule)];
  const allow = lists.flatMap((l) => allowRegexes(l, name, where));
  const ignorePaths = lists.flatMap((l) => l.paths ?? []).map((p) => translateOrFail(p, name, "allowlist path", where));
  const entry: PatternRuleEntry = {
    id: slug(name),
    description: rule.description ?? `gitleaks rule ${name}`,
    severity: "high",
    pattern: translated.pattern,
    ...(translated.ignoreCase ? { ignoreCase: true } : {}),
    ...(rule.keywords && rule.keywords.length > 0 ? { keywords: rule.keywords.map((k) => k.toLowerCase()) } : {}),
    ...(typeof rule.entropy === "number" ? { minEntropy: rule.entropy } : {}),
    ...(allow.length > 0 ? { allow } : {}),
    ...(rule.path ? { pathPattern: translateOrFail(rule.path, name, "path", where) } : {}),
    ...(ignorePaths.length > 0 ? { ignorePaths } : {}),
    source: file,
  };
  return entry;
}

function allowlistsOf(holder: { allowlist?: GitleaksAllowlist; allowlists?: GitleaksAllowlist[] }): GitleaksAllowlist[] {
  return [...(holder.allowlist ? [holder.allowlist] : []), ...(holder.allowlists ?? [])];
}

/** Regexes on the secret, and stopwords (a secret containing one is not reported), as allow-list regexes. */
function allowRegexes(list: GitleaksAllowlist, name: string, where: { file: string; line?: number }): string[] {
  if (list.condition && list.condition.toUpperCase() === "AND" && [list.regexes, list.stopwords, list.paths].filter((x) => x && x.length > 0).length > 1) {
    throw new ConfigError(`gitleaks rule "${name}": allowlist condition = "AND" is not supported; split it into separate allowlists`, where);
  }
  const target = list.regexTarget ?? "secret";
  if (target !== "secret" && (list.regexes ?? []).length > 0) {
    throw new ConfigError(
      `gitleaks rule "${name}": allowlist regexTarget = "${target}" is not supported (only "secret"); write the regex against the secret`,
      where,
    );
  }
  const regexes = (list.regexes ?? []).map((r) => translateOrFail(r, name, "allowlist regex", where));
  const stopwords = (list.stopwords ?? []).map((w) => `(?i:${w.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")})`);
  return [...regexes, ...stopwords];
}

function translateOrFail(source: string, name: string, what: string, where: { file: string; line?: number }): string {
  try {
    const t = translateGoRegex(source, "none");
    const pattern = t.ignoreCase ? `(?i:${t.pattern})` : t.pattern;
    new RegExp(pattern);
    return pattern;
  } catch (error) {
    throw new ConfigError(`gitleaks rule "${name}": ${what} /${source}/ cannot be used: ${(error as Error).message}`, where);
  }
}

/** Rampart rule ids are lower-case words joined by dashes. */
function slug(id: string): string {
  const dashed = id.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  // Runs are single dashes now: drop one at either end.
  const s = dashed.slice(dashed.startsWith("-") ? 1 : 0, dashed.endsWith("-") ? -1 : undefined);
  return s.length > 0 ? s : "gitleaks-rule";
}

/** The line of the n-th `[[rules]]` header, for error messages. */
function lineOfRule(text: string, n: number): number | undefined {
  let seen = -1;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (/^\s*\[\[rules\]\]/.test(lines[i]!) && ++seen === n) return i + 1;
  }
  return undefined;
}
