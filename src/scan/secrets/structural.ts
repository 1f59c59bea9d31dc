/**
 * Structural checks for token formats that carry their own proof of shape: a JWT's header is JSON naming
 * an algorithm, a PEM block's body is base64 DER, a base64-wrapped PEM decodes to a PEM header.
 */

/** base64url or base64 to bytes, or undefined when the text is not valid base64. */
export function decodeBase64(text: string): Buffer | undefined {
  const clean = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean)) return undefined;
  return Buffer.from(clean.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

/** A JWT (or JWE) whose first segment decodes to a JSON object with a string `alg` (a JWS: its claims too). */
export function isJwt(candidate: string): boolean {
  const parts = candidate.split(".");
  if (parts.length !== 3 && parts.length !== 5) return false;
  if (parts.slice(0, 2).some((p) => p.length < 4)) return false;
  const header = jsonObjectOf(parts[0]!);
  if (typeof header?.alg !== "string") return false;
  if (parts.length === 5) return true;
  // A signed JWT's claims are a JSON object, and its signature is absent (alg "none") or longer than a word:
  // the shortest real one (HS256, 32 bytes) is 43 characters. `eyJ….short.token`, `….signature` are illustrations.
  const signature = parts[2]!;
  return jsonObjectOf(parts[1]!) !== undefined && (signature.length === 0 || signature.length >= 16);
}

/**
 * A JWT's shape (`eyJ…` header and `eyJ…` claims of some length, and a signature) whose header is not JSON at
 * all: a corrupted copy of a real token, or a made-up sample. A header that is JSON but names no algorithm, or
 * a signature as short as a word, is an illustration instead (isJwt turns both down, and so does this).
 */
export function isMalformedJwt(candidate: string): boolean {
  const parts = candidate.split(".");
  if (parts.length !== 3) return false;
  const [header, claims, signature] = parts as [string, string, string];
  if (header.length < 17 || claims.length < 17 || signature.length < 16 || !claims.startsWith("eyJ")) return false;
  return jsonObjectOf(header) === undefined;
}

function jsonObjectOf(segment: string): Record<string, unknown> | undefined {
  const bytes = decodeBase64(segment);
  if (!bytes) return undefined;
  try {
    const parsed = JSON.parse(bytes.toString("utf8")) as unknown;
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A PEM private-key block whose body is base64 of DER (starts with a SEQUENCE tag 0x30), or an encrypted
 * one (Proc-Type headers, or an `ENCRYPTED PRIVATE KEY`), or an OpenSSH key (its own binary magic). A
 * truncated body still counts when what is there decodes to that start: a partial key is still a leak.
 */
export function isPemPrivateKey(block: string): boolean {
  const end = block.indexOf("-----END");
  const lines = (end === -1 ? block : block.slice(0, end))
    .split(/\r?\n|\\r\\n|\\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  // Header lines (Proc-Type, DEK-Info, PGP's Version/Comment) are not body; a base64 run is.
  const body = lines.filter((l) => !l.startsWith("-----") && !/^[A-Za-z-]+:/.test(l) && /^[A-Za-z0-9+/=]+$/.test(l)).join("");
  if (/Proc-Type:\s*4,ENCRYPTED/.test(block) || /ENCRYPTED PRIVATE KEY/.test(block)) return body.length >= 32;
  const bytes = decodeBase64(body.slice(0, Math.floor(body.length / 4) * 4));
  if (!bytes || bytes.length < 24) return false;
  if (/OPENSSH PRIVATE KEY/.test(block)) return bytes.subarray(0, 14).toString("latin1") === "openssh-key-v1";
  if (/PGP PRIVATE KEY/.test(block)) return true;
  return bytes[0] === 0x30;
}

/** `LS0tLS1CRUdJTi…`: base64 of a PEM private key, as CI variables and Kubernetes secrets hold it. */
export function isBase64Pem(candidate: string): boolean {
  const bytes = decodeBase64(candidate.slice(0, Math.floor(candidate.length / 4) * 4));
  if (!bytes) return false;
  const text = bytes.toString("latin1");
  return /^-----BEGIN[A-Z ]* PRIVATE KEY( BLOCK)?-----/.test(text);
}

/**
 * The password of a URL's `user:password` (userinfo), unless it is the user name again
 * (`mongodb:mongodb@localhost`) or a template (`${DB_PASSWORD}`, `{{ .Values.password }}`).
 */
export function userinfoPassword(userinfo: string): string | undefined {
  const colon = userinfo.indexOf(":");
  if (colon === -1) return undefined;
  const user = userinfo.slice(0, colon);
  const password = userinfo.slice(colon + 1);
  if (password.length === 0 || password.toLowerCase() === user.toLowerCase()) return undefined;
  if (/^[$%]\{|^\{\{|^\$[A-Za-z_]|^<.*>$|^\[.*\]$|^:/.test(password)) return undefined;
  // An upper-case name (`PASSWORD`, `DB_PASS`) stands for the value in docs, as `<password>` does.
  if (/^[A-Z][A-Z_]{3,}$/.test(password)) return undefined;
  return password;
}

/** base64 of `user:password` (Docker's `auth`, HTTP Basic): the password must be there and not the user again. */
export function basicAuthPassword(candidate: string): string | undefined {
  const decoded = decodeBase64(candidate)?.toString("utf8");
  if (!decoded || !/^[\x20-\x7e]+$/.test(decoded)) return undefined;
  const password = userinfoPassword(decoded);
  return password !== undefined && password.length >= 6 ? candidate : undefined;
}
