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
