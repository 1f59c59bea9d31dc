import { randomBytes } from "node:crypto";
import { withGithubStyleChecksum } from "../../src/scan/secrets/checksums.js";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function randomChars(n: number, alphabet = ALNUM): string {
  const bytes = randomBytes(n);
  let out = "";
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/**
 * A GitHub personal access token in the real format with random content, fresh per test run. Its check digits
 * are valid: a token failing them is reported low, below the gate the tests expect it to fail.
 */
export function githubToken(): string {
  return withGithubStyleChecksum("ghp_", randomChars(30));
}
