/**
 * A Map with a hard entry cap. When full, it evicts the lightest of the few least recently touched
 * entries, so a flood of one-hit subjects pushes out other one-hit subjects, not the heavy counter of
 * the attacker who sent the flood.
 */
export class BoundedTable<V> {
  private readonly map = new Map<string, V>();
  evictions = 0;

  constructor(
    readonly capacity: number,
    private readonly weight: (value: V) => number,
    private readonly sample = 8,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value === undefined || !this.underPressure()) return value;
    // Near the cap, re-insert to move the key to the young end, so eviction samples idle entries first.
    // Below it, nothing is evicted and the reordering would only cost time.
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  peek(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): void {
    if (!this.map.has(key) && this.map.size >= this.capacity) this.evictOne();
    this.map.delete(key);
    this.map.set(key, value);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  /** True when more than half full: new subjects then have to earn a place through the sketch. */
  underPressure(): boolean {
    return this.map.size > this.capacity / 2;
  }

  entries(): IterableIterator<[string, V]> {
    return this.map.entries();
  }

  private evictOne(): void {
    let victim: string | undefined;
    let lightest = Infinity;
    let seen = 0;
    for (const [key, value] of this.map) {
      const w = this.weight(value);
      if (w < lightest) {
        lightest = w;
        victim = key;
      }
      if (++seen >= this.sample) break;
    }
    if (victim !== undefined) {
      this.map.delete(victim);
      this.evictions++;
    }
  }
}
