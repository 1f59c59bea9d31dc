import { shannonEntropy } from "../secrets/placeholder.js";

/**
 * Value-based judgement of secrets chosen by operators: placeholders, dictionary words and short
 * or repetitive strings. Used for tokens, JWT secrets, salts and database passwords.
 */
const DICTIONARY = new Set([
  "secret",
  "secrets",
  "password",
  "passw0rd",
  "pass",
  "changeme",
  "change-me",
  "change_me",
  "admin",
  "root",
  "toor",
  "postgres",
  "mysql",
  "redis",
  "mongo",
  "example",
  "test",
  "testing",
  "default",
  "123456",
  "12345678",
  "1234567890",
  "letmein",
  "qwerty",
  "secretsalt",
  "secret_salt",
  "secret_salty",
  "secret-salt",
  "salt",
  "supersecret",
  "super-secret",
  "super_secret",
  "mysecret",
  "my-secret",
  "mysecrettoken123",
  "token",
  "apikey",
  "api-key",
  "eliza",
  "elizaos",
  "dev",
  "development",
  "local",
  "demo",
  "sample",
  "key",
  "jwt",
  "jwt-secret",
  "jwt_secret",
  "session",
  "session-secret",
  "keyboard cat",
  "s3cr3t",
  "p@ssw0rd",
  "password123",
  "admin123",
  "guest",
  "test-secret",
  "test-api-key",
  "correct-key",
  "your_salt",
  "your_secret_salt",
]);

const PLACEHOLDER =
  /(^<.*>$)|(^\{\{.*\}\}$)|^(x{3,}|\*{3,}|\.{3,}|-+)$|your[_\- ]|replace[_\- ]?(with|me)|change[_\- ]?(me|this)|put[_\- ]|insert[_\- ]|enter[_\- ]|_here$|-here$|^todo|^fixme|placeholder|example|^dummy|^fake|^sample/i;

/**
 * The literal a value ends up as when nothing else is provided: the value itself, or the default in
 * `${VAR:-default}` / `${VAR-default}` (compose and shell interpolation). Undefined when it must
 * come from elsewhere (`${VAR}`, `${VAR:?error}`).
 */
export function effectiveLiteral(value: string): string | undefined {
  const v = value.trim();
  const withDefault = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?-(.*)\}$/.exec(v);
  if (withDefault) return withDefault[1] === "" ? undefined : withDefault[1];
  return isReference(v) ? undefined : v;
}

/** `${VAR}`, `$VAR`, `${VAR:-x}`: the real value comes from elsewhere. */
export function isReference(value: string): boolean {
  return /^\$\{?[A-Za-z_][A-Za-z0-9_]*/.test(value.trim()) || /^\{\{.*\}\}$/.test(value.trim());
}

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value.trim());
}

export function isDictionaryWord(value: string): boolean {
  return DICTIONARY.has(value.trim().toLowerCase());
}

/**
 * Why a self-chosen secret is weak, or undefined when it looks strong. `minLength` is 32 for tokens
 * and JWT secrets (256 bits of base64/hex-ish material) and 16 for salts.
 */
export function weaknessOf(value: string, minLength: number): string | undefined {
  const v = effectiveLiteral(value) ?? "";
  if (v === "") return undefined;
  if (isDictionaryWord(v)) return "a well-known default";
  if (isPlaceholder(v)) return "a placeholder";
  if (v.length < minLength) return `only ${v.length} characters (use at least ${minLength})`;
  if (shannonEntropy(v) < 3) return "low in randomness (repeated characters)";
  return undefined;
}
