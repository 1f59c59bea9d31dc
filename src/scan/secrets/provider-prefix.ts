import type { ScanRule } from "../rule.js";

/**
 * A keyword shaped like a token prefix: letters and digits, then a separator (`nvapi-`, `sk_live_`, `dp.pt.`,
 * `swmtkn-1-`). Keywords that are words of a setting's name (`mistral`, `twitter`) say nothing about a value.
 */
const PREFIX_SHAPE = /^[a-z0-9]{1,16}[-_.][a-z0-9._-]*$/i;

/**
 * The token prefixes that provider rules own: the prefix-shaped keywords of every secret rule that is not a
 * generic catch-all. Lower-cased, since keywords are matched without regard to case.
 */
export function providerPrefixes(rules: readonly ScanRule[]): string[] {
  const prefixes = new Set<string>();
  for (const rule of rules) {
    if (rule.meta.category !== "secret" || rule.meta.generic) continue;
    for (const prefix of prefixKeywords(rule.meta.keywords ?? [])) prefixes.add(prefix);
  }
  return [...prefixes];
}

/**
 * A keyword written in the token's own mixed case (`AIza`): a rule spells a keyword that way only when it is
 * the start of the token itself, since the words of a setting's name are written in lower case.
 */
const TOKEN_SPELLING = /^(?=[A-Za-z0-9]*[A-Z])(?=[A-Za-z0-9]*[a-z])[A-Za-z0-9]{3,16}$/;

/** The keywords of one rule that are token prefixes, lower-cased. */
export function prefixKeywords(keywords: readonly string[]): string[] {
  return keywords.filter((k) => k.length >= 3 && (PREFIX_SHAPE.test(k) || TOKEN_SPELLING.test(k))).map((k) => k.toLowerCase());
}

/**
 * Whether a value opens with a provider's prefix and goes on past it. Such a value is that provider's token or
 * none: when the provider rule did not report it (too short, wrong alphabet, `CCIPAT_short`), a generic rule
 * must not report it either. When it did, its finding names the provider and the generic one adds nothing.
 */
export function ownedByProvider(value: string, prefixes: readonly string[]): boolean {
  const folded = value.toLowerCase();
  return prefixes.some((prefix) => folded.length > prefix.length && folded.startsWith(prefix));
}
