/**
 * Count-min sketch with two generations: fixed memory (width × depth × 4 bytes × 2) whatever the number
 * of keys. It only ever over-estimates, so it is a safe gate in front of the exact counters: a subject
 * is given an exact counter once the sketch has seen it at least `admitAfter` times.
 */
export class CountMinSketch {
  private current: Uint32Array;
  private previous: Uint32Array;
  private epochStart = 0;

  constructor(
    private readonly width = 1 << 17,
    private readonly depth = 4,
    private readonly epochMs = 60_000,
  ) {
    this.current = new Uint32Array(width * depth);
    this.previous = new Uint32Array(width * depth);
  }

  /** Adds one and returns the estimate over the current and previous epoch. */
  add(key: string, now: number): number {
    this.rotate(now);
    let estimate = Infinity;
    let h1 = fnv1a(key);
    const h2 = (Math.imul(h1, 0x9e3779b1) >>> 0) | 1;
    for (let row = 0; row < this.depth; row++) {
      const index = row * this.width + ((h1 >>> 0) % this.width);
      const value = ++this.current[index]! + this.previous[index]!;
      if (value < estimate) estimate = value;
      h1 = (h1 + h2) >>> 0;
    }
    return estimate;
  }

  get bytes(): number {
    return this.current.byteLength + this.previous.byteLength;
  }

  private rotate(now: number): void {
    if (now - this.epochStart < this.epochMs) return;
    const skipped = now - this.epochStart >= 2 * this.epochMs;
    [this.previous, this.current] = [this.current, this.previous];
    this.current.fill(0);
    if (skipped) this.previous.fill(0);
    this.epochStart = now;
  }
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
