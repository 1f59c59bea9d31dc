/**
 * A table with a hard entry cap. When full, it evicts the lightest of a few entries sampled at random
 * (the least recently touched among equally light ones), so a flood of one-hit subjects pushes out other
 * one-hit subjects, not the heavy counter of the attacker who sent the flood.
 *
 * Entries live in slots (parallel arrays) found through a Map from key to slot number. Sampling picks slot
 * numbers, so an eviction costs a few array reads whatever the table's history; walking a Map from its
 * oldest end, as this table did before, crossed every entry deleted since the Map last compacted itself,
 * and under an address spray evicting grew to tens of microseconds.
 */
export class BoundedTable<V> {
  private readonly slots = new Map<string, number>();
  private readonly keys: Array<string | undefined> = [];
  private readonly values: Array<V | undefined> = [];
  /** When each slot was last read or written, on the table's own clock (a count of touches). */
  private readonly touched: number[] = [];
  private readonly free: number[] = [];
  private clock = 0;
  /** xorshift32 state: fixed seed, so eviction is reproducible run to run. */
  private random = 0x9e3779b9;
  evictions = 0;

  constructor(
    readonly capacity: number,
    private readonly weight: (value: V) => number,
    private readonly sample = 8,
  ) {}

  get size(): number {
    return this.slots.size;
  }

  /** The value, marking it recently used. */
  get(key: string): V | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    this.touched[slot] = ++this.clock;
    return this.values[slot];
  }

  /** The value, without marking it used. */
  peek(key: string): V | undefined {
    const slot = this.slots.get(key);
    return slot === undefined ? undefined : this.values[slot];
  }

  set(key: string, value: V): void {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      if (this.slots.size >= this.capacity) this.evictOne();
      slot = this.free.pop() ?? this.keys.length;
      this.slots.set(key, slot);
      this.keys[slot] = key;
    }
    this.values[slot] = value;
    this.touched[slot] = ++this.clock;
  }

  delete(key: string): void {
    const slot = this.slots.get(key);
    if (slot === undefined) return;
    this.slots.delete(key);
    this.keys[slot] = undefined;
    this.values[slot] = undefined;
    this.free.push(slot);
  }

  /** True when more than half full: new subjects then have to earn a place through the sketch. */
  underPressure(): boolean {
    return this.slots.size > this.capacity / 2;
  }

  *entries(): IterableIterator<[string, V]> {
    for (const [key, slot] of this.slots) yield [key, this.values[slot]!];
  }

  private evictOne(): void {
    let victim = -1;
    let lightest = Infinity;
    let oldest = Infinity;
    const slots = this.keys.length;
    // A full table has few free slots, so a handful of extra draws finds `sample` entries.
    for (let drawn = 0, seen = 0; seen < this.sample && drawn < this.sample * 4; drawn++) {
      const slot = this.nextRandom() % slots;
      const value = this.values[slot];
      if (this.keys[slot] === undefined) continue;
      seen++;
      const w = this.weight(value!);
      if (w < lightest || (w === lightest && this.touched[slot]! < oldest)) {
        lightest = w;
        oldest = this.touched[slot]!;
        victim = slot;
      }
    }
    if (victim < 0) return;
    this.delete(this.keys[victim]!);
    this.evictions++;
  }

  private nextRandom(): number {
    let x = this.random;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.random = x;
    return x >>> 0;
  }
}
