import { hash } from "node:crypto";

/**
 * Longest value kept as is in a state key or a distinct-count member. Longer values (2 KB paths, long
 * principals or tenants the client chose) are stored as a 128-bit hash, so every stored key and member has a
 * fixed maximum size whatever the request looks like (issue 15).
 */
export const MAX_KEY_CHARS = 64;

/**
 * `value` itself when short, else `#` and a SHA-256 prefix (22 base64url characters). A short value that
 * starts with `#` is hashed too, so no value chosen by a client can equal another value's hash form.
 */
export function boundedKey(value: string): string {
  if (value.length <= MAX_KEY_CHARS && value.charCodeAt(0) !== 35) return value;
  return `#${hash("sha256", value, "base64url").slice(0, 22)}`;
}

/**
 * One flat string from parts. A key built with `+` or a template literal is a rope (a ConsString over its
 * parts), and V8 adds a flat copy the first time it is hashed: about 48 bytes more per stored key than the
 * flat string `join` builds directly. Used for keys that are kept in tables.
 */
export function flatKey(...parts: string[]): string {
  return parts.join("");
}
