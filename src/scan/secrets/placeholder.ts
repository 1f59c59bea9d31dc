/**
 * Values that look like secrets but are documentation: every secret rule drops them, so examples,
 * templates and env indirection never fail a gate.
 */
const PLACEHOLDER_WORDS = /(your|my|the)[_-]?(api[_-]?)?(key|token|secret|password)|changeme|change[_-]me|placeholder|example|dummy|sample|redacted|insert[_-]|replace[_-]?me|todo|fixme|<[^>]*>|x{6,}|\*{3,}|\.{3}|…/i;
const INDIRECTION = /^\$\{?[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}?$|^\{\{.*\}\}$|process\.env|os\.environ|getenv|secrets\./;

export function isPlaceholder(value: string): boolean {
  if (INDIRECTION.test(value)) return true;
  if (PLACEHOLDER_WORDS.test(value)) return true;
  return isMonotonous(value);
}

/** `aaaa…`, `0000…`, `1234…`, `abcd…`: a real key has no such run over most of its length. */
function isMonotonous(value: string): boolean {
  const body = value.replace(/^[a-z]+[_-]/i, "");
  if (body.length < 8) return false;
  const distinct = new Set(body).size;
  if (distinct <= 3) return true;
  let sequential = 0;
  for (let i = 1; i < body.length; i++) if (body.charCodeAt(i) - body.charCodeAt(i - 1) === 1) sequential++;
  return sequential / (body.length - 1) > 0.6;
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
