/**
 * Values that look like secrets but are written by a person for a reader. Two kinds (placeholderKind):
 * - `documentation`: says so itself (`your_key_here`, `<token>`, `xxx`, `${VAR}`, the example UUIDs, a body of
 *   one repeated character, a prefix typed twice). Every secret rule drops these.
 * - `illustrative`: only its shape is suspicious (a run like `123456`, a body like `abcdef0123456789…`, a walk
 *   like `a1b2c3d4…`, a repeated unit like `abcdabcd`): it shows a format's alphabet and length. A random key almost never has such a shape, but a hand-made example of a real format
 *   does, and so may a key someone typed to look "random". Generic rules drop these; a provider rule reports
 *   them below the default gate (documentation-value.ts).
 */
export type PlaceholderKind = "documentation" | "illustrative";

const PLACEHOLDER_WORDS =
  /(your|my|the)[_-]?(api[_-]?)?(key|token|secret|password)|^your[_-]|replace[_-]?(me|with)|changeme|change[_-]me|placeholder|example|dummy|sample|redacted|insert[_-]|(?<![a-z0-9])(?:todo|fixme)|<[^<>]*>|\*{3,}|\.{3}|…/i;
/**
 * `xxx` opening a word (`xxx-xxx-xxxx`, `sk_live_xxx123`) or five x's in a row in one case (`sk-xxxxxxxx`,
 * `AKIAXXXX…`). Three x's in any case inside a random run are chance: one GitHub token in a thousand holds them.
 */
const CROSSED_OUT = /(?<![A-Za-z0-9])(?:x{3,}|X{3,})|x{5}|X{5}/;
/**
 * Made-up token bodies in docs and other scanners' samples: `…TokenHere`, `RANDOMSTRINGHERE`, a prefix typed
 * twice (`xoxb-xoxb-…`), `my-bot-token`. A random tail ends in "here" about once in a million tokens.
 */
const PLACEHOLDER_SHAPES = /[a-z]here$|random[_-]?string|^([a-z]{3,5}-)\1|(?:^|[_-])(?:your|my)[_-][a-z]{2,8}[_-](?:key|token|secret|password)/i;
/**
 * A value that names its own kind in camel-case words (`ghp_PersonalAccessToken0124…`, `…ActionToken0000`): the
 * case is part of it, so a random run matches about once in 62^7. Two capitalised words, so that a password
 * a person chose (`superSecret1`) stays a password.
 */
const NAMES_ITSELF = /[A-Z][a-z]+(?:Token|Secret|Password)(?![a-z])/;
/** Eight of one character in a row (`…Token00000000`): padding to a format's length. Not `A`, which is base64's zero byte (Dropbox, Twitter tokens). */
const PADDING = /([^A])\1{7}/;
const INDIRECTION = /^\$\{?[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}?$|^\{\{.*\}\}$|process\.env|os\.environ|getenv|secrets\./;
/** Well-known illustrative UUIDs (RFC 4122's example, the "a1b2c3d4" one tutorials use). */
const EXAMPLE_UUIDS = new Set(["123e4567-e89b-12d3-a456-426614174000", "a1b2c3d4-e5f6-7890-abcd-ef1234567890", "123e4567-e89b-12d3-a456-426655440000"]);
/** A run of this many consecutive characters (`123456`, `abcdef`, `AbCdEf`) never occurs in a real key by chance. */
const SEQUENTIAL_RUN = 6;
/**
 * A unit of 1-4 characters repeated to cover this many characters, at least three times, and a good part of
 * the value (`abababab`, `123412341234`); Twitter's bearer tokens open with 22 `A`s of a 110-character token.
 */
const REPEATED_SPAN = 8;
const REPEATED_SHARE = 0.3;
/** One unit repeated over more than half of the value (`GR1348941` + `123123…`) fills it: no information at all. */
const FILLED_SHARE = 0.51;
/**
 * The AWS key pair every AWS guide prints (`AKIAIOSFODNN7EXAMPLE`, `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`) and
 * its variants (`AKIAIOSFODNN7SECRETS`): no real key starts with the documentation's own characters.
 */
const DOCUMENTED_KEYS = /^(?:AKIAIOSFODNN7|wJalrXUtnFEMI\/K7MDENG)/;

/** Lists and sentences (a key file's byte array, a passphrase) repeat by chance: the shape checks skip them. */
const LIST_OR_WORDS = /[,\s]/;

/** Whether the value is a placeholder of either kind: what generic rules and value checks drop. */
export function isPlaceholder(value: string): boolean {
  return placeholderKind(value) !== undefined;
}

export function placeholderKind(value: string): PlaceholderKind | undefined {
  if (INDIRECTION.test(value)) return "documentation";
  if (PLACEHOLDER_WORDS.test(value) || CROSSED_OUT.test(value) || PLACEHOLDER_SHAPES.test(value) || NAMES_ITSELF.test(value)) return "documentation";
  if (EXAMPLE_UUIDS.has(value.toLowerCase()) || DOCUMENTED_KEYS.test(value)) return "documentation";
  if (isOneSymbol(value) || PADDING.test(value)) return "documentation";
  const repeated = longestRepeatedSpan(value);
  if (repeated >= Math.ceil(value.length * FILLED_SHARE)) return "documentation";
  if (isMostlySequential(value)) return "illustrative";
  if (LIST_OR_WORDS.test(value)) return undefined;
  const repeatedUnit = repeated >= Math.ceil(value.length * REPEATED_SHARE);
  return hasSequentialRun(value) || repeatedUnit || hasInterleavedWalk(value) ? "illustrative" : undefined;
}

/**
 * Letters and digits walked in step with each other (`k1L2m3N4`, `Aa1Bb2Cc3`, `abc123def456`): the letters alone,
 * case-folded and with doubled letters taken once, walk the alphabet, or the digits alone count up (9 wraps
 * to 0). Seven steps: hex has only six letters, and a random key's letters walk that far about once in 10^8.
 */
const INTERLEAVED_WALK = 7;

function hasInterleavedWalk(value: string): boolean {
  const letters = value
    .toLowerCase()
    .replace(/[^a-z]/g, "")
    .replace(/(.)\1+/g, "$1");
  const digits = value.replace(/[^0-9]/g, "");
  return longestStep(letters, (a, b) => b - a === 1) >= INTERLEAVED_WALK || longestStep(digits, (a, b) => (b - a + 10) % 10 === 1) >= INTERLEAVED_WALK;
}

/** The longest run of characters in which each follows the one before by `follows`. */
function longestStep(text: string, follows: (a: number, b: number) => boolean): number {
  let best = text.length > 0 ? 1 : 0;
  let run = 1;
  for (let i = 1; i < text.length; i++) {
    run = follows(text.charCodeAt(i - 1), text.charCodeAt(i)) ? run + 1 : 1;
    best = Math.max(best, run);
  }
  return best;
}

/** A value's body after a lower-case prefix such as `sk-` or `napi_`. */
function bodyOf(value: string): string {
  return value.replace(/^[a-z]+[_-]/i, "");
}

/**
 * `aaaa…`, `0000…`, `AGE-SECRET-KEY-1QQQQ…`: three characters at most, or one character filling more than half
 * of the body. Such a value carries no information at all: no real key, nor an example of a format.
 */
function isOneSymbol(value: string): boolean {
  const body = bodyOf(value);
  if (body.length < 8) return false;
  const counts = new Map<string, number>();
  for (const ch of body) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  return counts.size <= 3 || Math.max(...counts.values()) * 2 > body.length;
}

/** `abcdef1234567890…`, `abcdefghijklmnopqrstuvwxyz123456`: most steps go to the next character. */
function isMostlySequential(value: string): boolean {
  const body = bodyOf(value);
  if (body.length < 8) return false;
  let sequential = 0;
  for (let i = 1; i < body.length; i++) if (body.charCodeAt(i) - body.charCodeAt(i - 1) === 1) sequential++;
  return sequential / (body.length - 1) > 0.6;
}

/** `123456`, `abcdef`, and alphabet walks in mixed case (`AbCdEfGh`): compared case-folded. */
function hasSequentialRun(value: string): boolean {
  const folded = value.toLowerCase();
  let run = 1;
  for (let i = 1; i < folded.length; i++) {
    const step = folded.charCodeAt(i) - folded.charCodeAt(i - 1);
    run = step === 1 && isAlnum(folded.charCodeAt(i)) ? run + 1 : 1;
    if (run >= SEQUENTIAL_RUN) return true;
  }
  return false;
}

/**
 * The longest span where a unit of one to four characters repeats (`123123123`, `abababab`), counting only spans
 * of at least REPEATED_SPAN and three units; 0 when there is none. One walk serves both shares it is compared with.
 */
function longestRepeatedSpan(value: string): number {
  let longest = 0;
  for (let unit = 1; unit <= 4; unit++) {
    const least = Math.max(REPEATED_SPAN, unit * 3);
    let span = unit;
    for (let i = unit; i < value.length; i++) {
      span = value[i] === value[i - unit] ? span + 1 : unit;
      if (span >= least && span > longest) longest = span;
    }
  }
  return longest;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 122);
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
