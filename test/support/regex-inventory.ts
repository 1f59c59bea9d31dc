import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parse as parseTs } from "@babel/parser";
import { parse as parseYaml } from "yaml";
import { type PatternRuleEntry, withPattern } from "../../src/scan/secrets/pattern-rule.js";

/** One regular expression the project ships, with where it lives, so a failure can name it. */
export interface RegexSite {
  /** Repository-relative file. */
  file: string;
  /** Rule id (or `line N` for a source literal). */
  where: string;
  /** What the regex is for: `pattern`, `allow`, `candidates`, `match.path`, `literal`... */
  field: string;
  pattern: string;
  flags: string;
}

export const ROOT = join(import.meta.dirname, "..", "..");

type Yaml = Record<string, unknown>;
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strings = (v: unknown): string[] => asArray(v).filter((s): s is string => typeof s === "string");

/**
 * How each rules/ folder stores regexes. A new folder without an entry here fails the inventory test, so a
 * new kind of rule cannot ship regexes the safety test never sees.
 */
export const RULE_FOLDERS: Record<string, (doc: Yaml, file: string) => RegexSite[]> = {
  detect: (doc, file) =>
    asArray(doc.triggers).flatMap((t) => {
      const match = ((t as Yaml)?.match ?? {}) as Yaml;
      return (["path", "body", "userAgent", "exceptPrincipal"] as const).flatMap((field) =>
        strings(match[field]).map((pattern) => ({ file, where: String(doc.id), field: `match.${field}`, pattern, flags: "i" })),
      );
    }),
  secrets: (doc, file) => asArray(doc.rules).flatMap((r) => patternRuleSites(r as Yaml, file)),
  misconfig: (doc, file) => strings(doc.candidates).map((pattern) => ({ file, where: String(doc.id), field: "candidates", pattern, flags: "i" })),
  // GitHub audit rules are metadata only (the logic is code); a regex field appearing here must be added above.
  audit: () => [],
};

/** A secret rule (rules/secrets or a config's customRules): its pattern and its allow-list. */
function patternRuleSites(rule: Yaml, file: string): RegexSite[] {
  const flags = rule.ignoreCase ? "i" : "";
  const id = String(rule.id);
  const sites: RegexSite[] = [];
  const pattern = typeof rule.pattern === "string" ? rule.pattern : withPattern(rule as unknown as PatternRuleEntry).pattern;
  if (typeof pattern === "string") sites.push({ file, where: id, field: "pattern", pattern, flags });
  for (const pattern of strings(rule.allow)) sites.push({ file, where: id, field: "allow", pattern, flags });
  return sites;
}

/** Every regex in rules/<folder>/*.yaml and in the repository's own rampart config's customRules. */
export function ruleRegexes(): { sites: RegexSite[]; unknownFolders: string[] } {
  const rulesDir = join(ROOT, "rules");
  const sites: RegexSite[] = [];
  const unknownFolders: string[] = [];
  for (const folder of readdirSync(rulesDir).sort()) {
    if (!statSync(join(rulesDir, folder)).isDirectory()) continue;
    const extract = RULE_FOLDERS[folder];
    if (!extract) {
      unknownFolders.push(folder);
      continue;
    }
    for (const name of readdirSync(join(rulesDir, folder))
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()) {
      const path = join(rulesDir, folder, name);
      sites.push(...extract(parseYaml(readFileSync(path, "utf8")) as Yaml, relative(ROOT, path)));
    }
  }
  const config = parseYaml(readFileSync(join(ROOT, "rampart.config.yaml"), "utf8")) as Yaml | null;
  for (const rule of asArray(config?.customRules)) sites.push(...patternRuleSites(rule as Yaml, "rampart.config.yaml"));
  return { sites, unknownFolders };
}

/** Every regex literal in the TypeScript files under `dir`. */
export function sourceRegexLiterals(dir: string): RegexSite[] {
  const sites: RegexSite[] = [];
  for (const path of tsFiles(dir)) {
    const ast = parseTs(readFileSync(path, "utf8"), { sourceType: "module", plugins: ["typescript"] });
    walk(ast.program, (node) => {
      if (node.type !== "RegExpLiteral") return;
      const literal = node as unknown as { pattern: string; flags: string; loc: { start: { line: number } } };
      sites.push({
        file: relative(ROOT, path),
        where: `line ${literal.loc.start.line}`,
        field: "literal",
        pattern: literal.pattern,
        flags: literal.flags.replace(/[gdy]/g, ""),
      });
    });
  }
  return sites;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .sort()
    .map((f) => join(dir, f));
}

function walk(node: unknown, visit: (node: { type: string }) => void): void {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit);
    return;
  }
  const n = node as { type?: unknown };
  if (typeof n.type === "string") visit(n as { type: string });
  for (const [key, value] of Object.entries(n)) {
    if (key === "loc" || key === "start" || key === "end" || key === "extra") continue;
    walk(value, visit);
  }
}
