import { shannonEntropy } from "./secrets/placeholder.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN_CHARS = /^[A-Za-z0-9_\-+/=.~]+$/;
/** Twelve or more lower-case words in a row: the shape of a seed phrase, before any checksum is checked. */
const WORD_RUN = /(?:^|[^a-z])(?:[a-z]{3,8}[ \t]+){11}[a-z]{3,8}(?![a-z])/i;

/**
 * Whether an identity has the shape of a credential without asking the rule set: a token-alphabet string of 24+
 * characters with several character classes and high entropy, 32+ hex digits, or a seed-phrase-like run of
 * words. UUIDs, e-mail addresses and short or word-like ids are not. Cheap and dependency-free, so the request
 * path can use it before the scanner's rules are loaded.
 */
export function isCredentialShaped(value: string): boolean {
  return value.split(/[\s:=,;@]+/).some(isTokenShaped) || WORD_RUN.test(value);
}

function isTokenShaped(part: string): boolean {
  if (part.length < 24 || !TOKEN_CHARS.test(part) || UUID.test(part)) return false;
  if (/^(?:0x)?[0-9a-f]+$/i.test(part)) return part.length >= 32;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((c) => c.test(part)).length;
  return classes >= 2 && shannonEntropy(part) >= 3.5;
}
