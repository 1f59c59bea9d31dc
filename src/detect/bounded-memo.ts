/** Keys longer than this are never memoized (usual paths, addresses and ids are far shorter). */
export const MAX_MEMO_KEY = 128;

/**
 * A memo for the request path: `memo` answers repeats of `key`, and is cleared when it reaches `cap`
 * entries, so a flood of distinct keys (an address or path spray) costs recomputation, never memory.
 * Undefined is not a memoizable answer.
 */
export function remembered<K, V>(memo: Map<K, V>, key: K, cap: number, compute: (key: K) => V): V {
  // A long key (a 2 KB path) is computed, not kept: a memo's memory is bounded by entries and key size.
  if (typeof key === "string" && key.length > MAX_MEMO_KEY) return compute(key);
  const known = memo.get(key);
  if (known !== undefined) return known;
  if (memo.size >= cap) memo.clear();
  const value = compute(key);
  memo.set(key, value);
  return value;
}
