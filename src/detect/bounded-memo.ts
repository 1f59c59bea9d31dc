/**
 * A memo for the request path: `memo` answers repeats of `key`, and is cleared when it reaches `cap`
 * entries, so a flood of distinct keys (an address or path spray) costs recomputation, never memory.
 * Undefined is not a memoizable answer.
 */
export function remembered<K, V>(memo: Map<K, V>, key: K, cap: number, compute: (key: K) => V): V {
  const known = memo.get(key);
  if (known !== undefined) return known;
  if (memo.size >= cap) memo.clear();
  const value = compute(key);
  memo.set(key, value);
  return value;
}
