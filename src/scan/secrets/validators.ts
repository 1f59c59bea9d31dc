import { createPrivateKey, createPublicKey } from "node:crypto";
import { base58 } from "@scure/base";
import { validateMnemonic } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { genericSecretValue } from "./generic-value.js";
import { isBase64Pem, isJwt, isPemPrivateKey } from "./structural.js";

/**
 * Checks a regex cannot express. Each returns the secret to report (possibly a narrower part of the
 * match), or undefined when the match is not a secret.
 */
export const validators: Record<string, (candidate: string) => string | undefined> = {
  /** A value assigned to a secret-named setting: random enough, not code, not a placeholder (generic-value.ts). */
  "generic-secret": genericSecretValue,
  /** Header segment decodes to JSON with an `alg`: `eyJshort.payload.signature` is not a token. */
  jwt: (candidate) => (isJwt(candidate) ? candidate : undefined),
  /** A PEM private-key block with a DER (or OpenSSH, or encrypted) body, also when truncated. */
  "pem-private-key": (candidate) => (isPemPrivateKey(candidate) ? candidate : undefined),
  /** base64 of a PEM private key (`LS0tLS1CRUdJTi…`). */
  "base64-pem": (candidate) => (isBase64Pem(candidate) ? candidate : undefined),
  /** 12-24 English wordlist words whose checksum is right: prose cannot pass by accident. */
  "bip39-mnemonic": (candidate) => {
    const words = candidate.trim().split(/\s+/);
    for (const n of [24, 21, 18, 15, 12]) {
      for (let start = 0; start + n <= words.length; start++) {
        const phrase = words.slice(start, start + n).join(" ");
        if (validateMnemonic(phrase, wordlist)) return phrase;
      }
    }
    return undefined;
  },
  /**
   * A Solana secret key is 64 bytes in base58: an ed25519 seed and the public key it derives. Checking
   * the derivation tells it apart from a transaction signature, which is also 64 bytes.
   */
  "solana-secret-key": (candidate) => {
    let bytes: Uint8Array;
    try {
      bytes = base58.decode(candidate);
    } catch {
      return undefined;
    }
    return bytes.length === 64 && isEd25519Keypair(bytes) ? candidate : undefined;
  },
  /** A Solana CLI keypair file: a JSON array of 64 bytes that is an ed25519 seed and its public key. */
  "solana-keypair-array": (candidate) => {
    const bytes = candidate.replace(/[[\]\s]/g, "").split(",").map(Number);
    if (bytes.length !== 64 || bytes.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) return undefined;
    return isEd25519Keypair(Uint8Array.from(bytes)) ? candidate : undefined;
  },
};

const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

function isEd25519Keypair(bytes: Uint8Array): boolean {
  const seed = Buffer.from(bytes.subarray(0, 32));
  const key = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
  const spki = createPublicKey(key).export({ format: "der", type: "spki" });
  return Buffer.from(bytes.subarray(32)).equals(spki.subarray(spki.length - 32));
}

export function isValidatorName(name: string): boolean {
  return Object.hasOwn(validators, name);
}
