import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { RE2JS } from "re2js";
import { parse } from "yaml";
import { ConfigError } from "../core/errors.js";
import { defaultRulesDir, PATTERN_FIELDS } from "./rule-files.js";

/** What a compiled rule pattern offers the hot path. */
export interface PatternTest {
  test(text: string): boolean;
}

/**
 * Compiles a rule's list of patterns into one case-insensitive test. Patterns shipped in rules/detect run on
 * V8's engine (fast, and each is proven free of catastrophic backtracking by test/rules/regex-safety.test.ts).
 * Any other pattern (custom rules, `ruleSet`) runs on RE2 (re2js), whose matching time is linear in the input
 * whatever the pattern: a rule written elsewhere cannot freeze the server. RE2 has no lookarounds or
 * backreferences; such a custom pattern is a ConfigError naming where it is.
 */
export function compileSafePattern(patterns: readonly string[], where: { file?: string; line?: number } = {}): PatternTest {
  const vetted = shippedPatterns();
  const fast = patterns.filter((p) => vetted.has(p));
  const other = patterns.filter((p) => !vetted.has(p));
  const tests: PatternTest[] = [];
  if (fast.length > 0) tests.push(new RegExp(alternation(fast), "i"));
  if (other.length > 0) tests.push(compileRe2(other, where));
  if (tests.length === 1) return tests[0]!;
  return { test: (text) => tests.some((t) => t.test(text)) };
}

/** Validates one pattern with the engine that will run it; throws a ConfigError naming the file and line. */
export function validatePattern(pattern: string, file: string, line?: number): void {
  if (shippedPatterns().has(pattern)) return;
  compileRe2([pattern], { file, ...(line ? { line } : {}) });
}

function compileRe2(patterns: readonly string[], where: { file?: string; line?: number }): PatternTest {
  for (const p of patterns) {
    try {
      RE2JS.compile(p, RE2JS.CASE_INSENSITIVE);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new ConfigError(
        `"${p}" is not a pattern the linear-time engine accepts (${why}); custom detect patterns run on RE2, which has no lookarounds or backreferences: rewrite it without them`,
        { file: where.file ?? "detect rule", ...(where.line ? { line: where.line } : {}) },
      );
    }
  }
  const re = RE2JS.compile(alternation(patterns), RE2JS.CASE_INSENSITIVE);
  return { test: (text) => re.test(text) };
}

function alternation(patterns: readonly string[]): string {
  return patterns.map((p) => `(?:${p})`).join("|");
}

let shipped: Set<string> | undefined;
/** Every pattern in the rule files that ship with Rampart (read as plain YAML: no rule validation, no cycle). */
function shippedPatterns(): Set<string> {
  if (shipped) return shipped;
  const found = new Set<string>();
  const dir = defaultRulesDir();
  for (const name of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
    const doc = parse(readFileSync(join(dir, name), "utf8")) as { triggers?: Array<{ match?: Record<string, unknown> }> } | null;
    for (const trigger of doc?.triggers ?? []) {
      for (const field of PATTERN_FIELDS) {
        const list = trigger.match?.[field];
        if (Array.isArray(list)) for (const p of list) if (typeof p === "string") found.add(p);
      }
    }
  }
  shipped = found;
  return found;
}
