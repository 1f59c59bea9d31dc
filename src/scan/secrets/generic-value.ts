import { isPlaceholder, shannonEntropy } from "./placeholder.js";
import { decodeBase64, isJwt } from "./structural.js";

/**
 * Whether a value assigned to a secret-named setting looks like a real secret. The generic rules find the
 * assignment; this decides on the value alone: not code (identifiers, paths, URLs, interpolation), not
 * documentation (placeholders), and random enough for its alphabet (hex carries 4 bits a character at
 * most, base64 6, so each gets its own floor).
 */
export function genericSecretValue(raw: string, name?: string): string | undefined {
  const value = beforeEscapedLineBreak(unquote(unquote(raw.trim())));
  if (value.length < 8 || value.length > 1024) return undefined;
  if (NOT_A_VALUE.test(value) || PROSE.test(value) || isPlaceholder(value)) return undefined;
  if (value.startsWith("eyJ")) return isJwt(value) ? value : undefined;
  if (MADE_UP.test(value) || PACKAGE_ARCHIVE.test(value) || isEncodedWords(value)) return undefined;
  if (name !== undefined && PASSWORD_NAME.test(name) && isPassword(value)) return value;
  if (looksLikeCode(value)) return undefined;
  return value.length >= RANDOM_MIN_LENGTH && randomEnough(value) ? value : undefined;
}

/**
 * Below ten characters randomness says too little to tell a key from an id or a word (`AbCeFG123`,
 * `EXOabc123`); API keys run longer, and short passwords are judged by the password test above.
 */
const RANDOM_MIN_LENGTH = 10;

/** One level of quotes: `"…"`, `'…'`, backticks, and Kotlin's escaped `\"…\"`. Called twice for Gradle's `'"…"'`. */
function unquote(value: string): string {
  const first = value[0];
  if ((first === '"' || first === "'" || first === "`") && value.endsWith(first) && value.length >= 2) return value.slice(1, -1);
  if (value.startsWith('\\"') && value.endsWith('\\"') && value.length >= 4) return value.slice(2, -2);
  return value;
}

/** A setting named for a password (`password`, `DB_PASS`, `smtpPwd`): people choose these, so they need not look random. */
const PASSWORD_NAME = /passw(?:or)?d|pwd$|pass$/i;

/**
 * A password a person chose (`relay2captain77`, `maple$yrup`): two kinds of character at least, and not a name
 * in words (`smtp_password`, `token123`) unless a symbol that no identifier holds sets it apart.
 * One word in one case (`lanternfish`) says too little to tell a password from a value of some other kind.
 */
function isPassword(value: string): boolean {
  if (IDENTIFIER_SHAPES.some((shape) => shape.test(value))) return false;
  if (characterClasses(value) < 2) return false;
  return !looksLikeCode(value) || /[^\w.-]/.test(value);
}

function characterClasses(value: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((c) => c.test(value)).length;
}

/**
 * A file held in a string (`{"app.env": "TOKEN=…\nLOG_LEVEL=debug"}`) has its lines joined by an escaped
 * line break: the value ends there, as it would at a real newline.
 */
function beforeEscapedLineBreak(value: string): string {
  const at = value.search(/\\[nr]/);
  return at === -1 ? value : value.slice(0, at);
}

/**
 * Letters beyond ASCII: a message in Japanese or Chinese under a key that names a token (TypeScript's
 * diagnosticMessages), not a credential, which providers issue in ASCII.
 */
const PROSE = /\P{ASCII}/u;

/** Interpolation, env references, URLs, whitespace (sentences), escapes: never a literal secret by itself. */
const NOT_A_VALUE = /\$\{|\{\{|#\{|%\(|\$\(|^\$[A-Za-z_]|^%[A-Za-z_]+%$|:\/\/|\s|\\[nrt]|^(?:true|false|null|none|undefined|nil)$/i;

/**
 * A word standing alone that says the value is made up (`…_short_…`, `-fake`, `.invalid.`, `.demo~`). Only where no other
 * letter touches it: inside a random run the same letters are chance. Not `test` or `sandbox` (a provider's
 * test-mode key is a real credential), nor words spelt in hex digits (`bad`, `dead`), which random hex holds.
 * A value that says `password` anywhere (`password-for-16379`) is documentation too.
 */
const MADE_UP = /(?<![a-z])(?:short|fake|invalid|mock|wrong|bogus|demo)(?![a-z])|passw(?:or)?d/i;
/** A package archive and its checksum (`name-1.2.3.tgz#<sha1>`, a lockfile's resolved entry): a reference, not a key. */
const PACKAGE_ARCHIVE = /\.(?:tgz|tar\.gz|zip|jar|whl|gem|nupkg)#[0-9a-f]{8,}/i;

/** Shapes of names and paths, not secrets: CONSTANT_NAME, a/file.ext, /abs/path, object.member(). */
const IDENTIFIER_SHAPES = [/^[A-Z][A-Z0-9]*(?:[_.][A-Z0-9]+)+$/, /^[\w.-]*\/[\w./-]*\.[a-z]{1,5}$/, /^(?:\/[\w.@-]+)+\/?$/];
/** `object.member` and `a.b.c()`: code when its parts carry few digits (a key of dotted random parts has many). */
const MEMBER_EXPRESSION = /^(?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*(?:\(\))?$/;
const FEW_DIGITS = /^\D*(?:\d\D*){0,5}$/;
/** One word of a name: `Listener`, `addListener`, `token123`, `SSR`, `T`. */
const NAME_WORD = /^(?:[A-Z]?[a-z]{2,}(?:[A-Z][a-z]+)*(?:[A-Z]{2,5})?|[A-Z]{1,5})\d{0,4}$|^\d{1,4}$/;

/**
 * Names, keyboard shortcuts and slugs made of words (`_addListener`, `__vite_ssr_exports__`,
 * `Control+Shift+T`, `personal-access-token123`): every part between separators is a word-shaped name part.
 * A random key almost never splits into such parts.
 */
export function looksLikeCode(value: string): boolean {
  if (IDENTIFIER_SHAPES.some((shape) => shape.test(value))) return true;
  if (MEMBER_EXPRESSION.test(value) && FEW_DIGITS.test(value)) return true;
  const parts = value.split(/[^A-Za-z0-9]+/).filter((p) => p.length > 0);
  return parts.length > 0 && parts.every((p) => NAME_WORD.test(p));
}

/** base64 of plain words (`ZHVtbXkgdGV4dA==` is "dummy text"): documentation, not a key. */
function isEncodedWords(value: string): boolean {
  if (value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  const decoded = decodeBase64(value)?.toString("latin1") ?? "";
  return /^[A-Za-z][A-Za-z .,'!:-]*$/.test(decoded) || isPlaceholder(decoded);
}

function randomEnough(value: string): boolean {
  const entropy = shannonEntropy(value);
  // A random string of n characters cannot exceed log2(n) bits: short values get a floor they can reach.
  const reachable = Math.log2(value.length);
  if (/^(?:0x)?[0-9a-f]+$/i.test(value)) return value.length >= 16 && entropy >= Math.min(3.0, reachable - 1);
  const classes = characterClasses(value);
  // Short keys in one case (14 lower-case letters and digits) are issued too; every character nearly distinct.
  if (value.length < 16) return (classes >= 3 && entropy >= reachable - 0.75) || (value.length >= 12 && classes === 2 && entropy >= reachable - 0.5);
  if (classes < 2) return entropy >= 3.8;
  return entropy >= Math.min(3.5, reachable - 0.7);
}
