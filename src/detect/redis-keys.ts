/**
 * Every key and channel the Redis store uses, built here and nowhere else. Each carries a Redis Cluster
 * hash tag (`{...}`), so all the keys one script touches hash to one slot and no command crosses slots:
 * a subject's counters share `{subject}`, the block index and its channel share `{blocks}`.
 */
export interface StoreKeys {
  /** Counter of one trigger for one subject, from the detector's state key `<rule>#<trigger>|<subject>`. */
  counter(stateKey: string): string;
  /** Marks that a kept (pair-scoped) count has alerted in this window; same tag as its counter. */
  alerted(stateKey: string): string;
  /** Sorted set: blocked subject → until (ms); bounds and expires the index. */
  readonly blockUntil: string;
  /** Hash: blocked subject → the block as JSON. */
  readonly blockData: string;
  /** Channel a new block is published on. */
  readonly blockChannel: string;
}

export function storeKeys(prefix: string): StoreKeys {
  const keyed = (kind: string) => (stateKey: string) => {
    const bar = stateKey.indexOf("|");
    return `${prefix}{${tagSafe(stateKey.slice(bar + 1))}}:${kind}:${stateKey.slice(0, bar)}`;
  };
  return {
    counter: keyed("c"),
    alerted: keyed("a"),
    blockUntil: `${prefix}{blocks}:until`,
    blockData: `${prefix}{blocks}:data`,
    blockChannel: `${prefix}{blocks}:new`,
  };
}

/**
 * A subject as a hash tag: `{` and `}` (and `%`, the escape) are percent-encoded, so a principal named
 * `a}b` cannot end the tag early or leave it empty (an empty tag hashes the whole key).
 */
function tagSafe(subject: string): string {
  return subject.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
}

/** The hash tag of a key as Redis Cluster reads it: the text between the first `{` and the next `}`, if not empty. */
export function hashTagOf(key: string): string | undefined {
  const open = key.indexOf("{");
  if (open === -1) return undefined;
  const close = key.indexOf("}", open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : undefined;
}
