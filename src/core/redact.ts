import { createHmac } from "node:crypto";

/**
 * Shows enough of a secret to recognise it (a prefix and the last four characters) and never
 * enough to use it. Short values keep less, so the visible part is never most of the value.
 */
export function redactSecret(value: string): string {
  const chars = [...value];
  const keep = (head: number, tail: number) => `${chars.slice(0, head).join("")}…${tail > 0 ? chars.slice(-tail).join("") : ""}`;
  if (chars.length < 4) return "…";
  if (chars.length <= 8) return keep(1, 0);
  if (chars.length < 16) return keep(2, 2);
  if (chars.length < 24) return keep(3, 3);
  return keep(5, 4);
}

/** Replaces every occurrence of each known secret in `text` with its redacted form. */
export function redactKnownSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  const sorted = [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  for (const secret of sorted) out = out.split(secret).join(redactSecret(secret));
  return out;
}

/**
 * A stable stand-in for a credential used as an identity: `cred-` and 16 hex digits of HMAC-SHA-256 under
 * `key`. The same credential gets the same label under the same key, so alerts still group by it, and without
 * the key a guessed credential cannot be checked against the label.
 */
export function keyedLabel(value: string, key: string | Uint8Array): string {
  return `cred-${createHmac("sha256", key).update(value).digest("hex").slice(0, 16)}`;
}
