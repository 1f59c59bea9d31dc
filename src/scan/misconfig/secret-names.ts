/**
 * Name-based classification of configuration keys and identifiers. A name is split into words
 * (`jwtSecret`, `JWT_SECRET` and `jwt-secret` all become JWT SECRET) and judged by its last word,
 * so `MAX_TOKENS`, `TOKEN_LIMIT` and `API_KEY_FILE` are not taken for secrets.
 */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toUpperCase());
}

const SECRET_LAST = new Set([
  "SECRET",
  "SECRETS",
  "TOKEN",
  "PASSWORD",
  "PASSWD",
  "PWD",
  "PASS",
  "SALT",
  "CREDENTIAL",
  "CREDENTIALS",
  "MNEMONIC",
  "PASSPHRASE",
  "APIKEY",
  "PRIVATEKEY",
]);
/** `KEY` is a secret only after one of these (API_KEY, PRIVATE_KEY, ...), not in `SORT_KEY` or `PUBLIC_KEY`. */
const KEY_QUALIFIERS = new Set([
  "API",
  "PRIVATE",
  "ACCESS",
  "SECRET",
  "SIGNING",
  "ENCRYPTION",
  "MASTER",
  "AUTH",
  "ROLE",
  "SERVICE",
  "CLIENT",
  "ADMIN",
  "WEBHOOK",
  "HMAC",
  "SESSION",
  "JWT",
  "APP",
]);

/** True for names that hold a credential: `JWT_SECRET`, `apiKey`, `WALLET_SECRET_SALT`, `x-api-key`. */
export function isSecretName(name: string): boolean {
  const words = nameWords(name);
  const last = words.at(-1);
  if (!last) return false;
  if (SECRET_LAST.has(last)) return true;
  if (last === "KEY" && words.length > 1) return KEY_QUALIFIERS.has(words.at(-2) ?? "");
  // `SECRET_KEY_BASE`, `AUTH_TOKEN_VALUE`: a secret word followed by a neutral qualifier.
  if ((last === "BASE" || last === "VALUE") && words.length > 1) return isSecretName(words.slice(0, -1).join("_"));
  return false;
}

/** Secrets the deployment invents itself (auth tokens, JWT secrets, salts), as opposed to provider-issued keys. */
export function isSelfChosenSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  const words = nameWords(name);
  if (!isSecretName(name)) return false;
  if (words.includes("SALT")) return true;
  if (/^(ELIZA_SERVER_AUTH_TOKEN|SERVER_API_KEY|ELIZA_API_TOKEN|API_TOKEN|AUTH_TOKEN|SECRET_KEY|SECRET_KEY_BASE)$/.test(upper)) return true;
  return words.some((w) => ["JWT", "SESSION", "COOKIE", "AUTH", "ENCRYPTION", "SIGNING", "HMAC", "APP", "NEXTAUTH", "INTERNAL"].includes(w));
}

/** HTTP headers that carry credentials. */
export function isSecretHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === "authorization" || lower === "proxy-authorization" || lower === "cookie" || isSecretName(lower);
}

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|localhost|::1|\[::1\]|0:0:0:0:0:0:0:1)$/i;
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host.trim());
}
