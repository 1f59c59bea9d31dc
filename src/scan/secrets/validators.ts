import { createHash, createPrivateKey, createPublicKey } from "node:crypto";
import { base58 } from "@scure/base";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import type { Severity } from "../../core/severity.js";
import { hasGithubStyleChecksum, isPypiMacaroon } from "./checksums.js";
import { genericSecretValue, looksLikeCode } from "./generic-value.js";
import { basicAuthPassword, decodeBase64, isBase64Pem, isJwt, isMalformedJwt, isPemPrivateKey, userinfoPassword } from "./structural.js";

/** A match that is reported, but not at the rule's severity: the format's own check says it was never issued. */
export interface Demoted {
  secret: string;
  severity: Severity;
  tag: string;
  note: string;
}

/**
 * A token-shaped value whose check digits are wrong is reported low with tag `checksum-failed`, not dropped:
 * below the default gate (a documentation example, a hand-typed fake, never a live credential), but still
 * visible in the report, since a one-character-corrupted copy of a real token leaks most of it.
 */
function checked(candidate: string, valid: boolean, what: string): string | Demoted {
  if (valid) return candidate;
  return { secret: candidate, severity: "low", tag: "checksum-failed", note: `${what} fails; not a token the provider issued, likely an example` };
}

/**
 * Checks a regex cannot express. Each returns the secret to report (possibly a narrower part of the
 * match), a Demoted verdict, or undefined when the match is not a secret.
 */
export const validators: Record<string, (candidate: string, name?: string) => string | Demoted | undefined> = {
  /** GitHub and npm tokens end in a base62 CRC32 of their random part (checksums.ts). */
  "github-checksum": (candidate) => checked(candidate, hasGithubStyleChecksum(candidate), "its CRC32 check"),
  /** A PyPI token's body is a whole macaroon naming pypi.org (checksums.ts). */
  "pypi-macaroon": (candidate) => checked(candidate, isPypiMacaroon(candidate), "its macaroon structure"),
  /** A value assigned to a secret-named setting (`name`): random enough, or a password; not code, not a placeholder (generic-value.ts). */
  "generic-secret": genericSecretValue,
  /** A value assigned to a provider-named setting: anything but a name or path (`VCS_PROVIDER_NAME_VALUE_BITBUCKET`). */
  "provider-value": (candidate) => (looksLikeCode(candidate) ? undefined : candidate),
  /**
   * Header segment decodes to JSON with an `alg`: `eyJshort.payload.signature` is not a token. A token of the
   * full shape whose header is not JSON is reported low: no issuer signed it, but a corrupted copy still leaks.
   */
  jwt: (candidate) => {
    if (isJwt(candidate)) return candidate;
    if (!isMalformedJwt(candidate)) return undefined;
    return {
      secret: candidate,
      severity: "low",
      tag: "jwt-unverified",
      note: "its header is not JSON; not a token an issuer signed, likely an example or a corrupted copy",
    };
  },
  /** A PEM private-key block with a DER (or OpenSSH, or encrypted) body, also when truncated. */
  "pem-private-key": (candidate) => (isPemPrivateKey(candidate) ? candidate : undefined),
  /** base64 of a PEM private key (`LS0tLS1CRUdJTi…`). */
  "base64-pem": (candidate) => (isBase64Pem(candidate) ? candidate : undefined),
  /** `user:password` from a URL: reports the password alone, never the user name repeated or a template. */
  "userinfo-password": userinfoPassword,
  /** base64 of `user:password` with a real password (Docker config `auth`, HTTP Basic). */
  "basic-auth-base64": basicAuthPassword,
  /** A Kubernetes Secret's data value: base64 whose decoded text is itself secret-like (or binary). */
  "kubernetes-secret-data": (candidate) => {
    const decoded = decodeBase64(candidate)?.toString("utf8");
    if (decoded === undefined) return undefined;
    if (!/^[\x20-\x7e\r\n\t]+$/.test(decoded)) return decoded.length >= 16 ? candidate : undefined;
    return decoded.startsWith("-----BEGIN") || genericSecretValue(decoded) !== undefined ? candidate : undefined;
  },
  /** 12-24 English wordlist words whose checksum is right: prose cannot pass by accident. */
  "bip39-mnemonic": (candidate) => {
    const words = candidate.trim().split(/\s+/);
    const indices = words.map((w) => BIP39_INDEX.get(w) ?? -1);
    for (const n of [24, 21, 18, 15, 12]) {
      for (let start = 0; start + n <= words.length; start++) {
        if (hasValidChecksum(indices, start, n)) return words.slice(start, start + n).join(" ");
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
    const bytes = candidate
      .replace(/[[\]\s]/g, "")
      .split(",")
      .map(Number);
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

/**
 * Word to index, built once. @scure/bip39's validateMnemonic re-checks all 2,048 words and looks each word up
 * with indexOf on every call: with up to 65 windows per candidate that was 37 s/MB on a file of wordlist words.
 */
const BIP39_INDEX = new Map(wordlist.map((w, i) => [w, i]));

/** BIP-39: n words hold n*11 bits, entropy then checksum; the checksum is the first n/3 bits of SHA-256(entropy). */
function hasValidChecksum(indices: readonly number[], start: number, n: number): boolean {
  const entropy = new Uint8Array((n / 3) * 4);
  let carry = 0;
  let bits = 0;
  let pos = 0;
  let checksum = 0;
  const checksumBits = n / 3;
  for (let i = start; i < start + n; i++) {
    const index = indices[i]!;
    if (index === -1) return false;
    carry = (carry << 11) | index;
    bits += 11;
    while (bits >= 8 && pos < entropy.length) {
      bits -= 8;
      entropy[pos++] = (carry >>> bits) & 0xff;
      carry &= (1 << bits) - 1;
    }
  }
  checksum = carry & ((1 << checksumBits) - 1);
  const digest = createHash("sha256").update(entropy).digest();
  return digest[0]! >>> (8 - checksumBits) === checksum;
}
