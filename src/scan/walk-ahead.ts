import { setImmediate as nextTurn } from "node:timers/promises";

export interface WalkAhead<T> {
  /** Up to `n` items in walk order; undefined once the walk has ended and everything was taken. */
  take(n: number): Promise<T[] | undefined>;
}

export interface WalkAheadOptions {
  /** Items held at most; the walk pauses there until takers catch up (bounded memory on huge trees). */
  limit: number;
  /** Hand the event loop back after this many items, so worker messages are answered during a long walk. */
  yieldEvery: number;
}

/**
 * Runs a walk ahead of its consumers into a bounded buffer. Scan workers start up in parallel with the walk
 * instead of waiting for each batch to be walked on demand, and a batch is then a slice of what is already
 * known. The walk's own errors end it early (they are reported as skips inside the walk).
 */
export function walkAhead<T>(items: AsyncIterable<T>, options: WalkAheadOptions): WalkAhead<T> {
  const buffer: T[] = [];
  let ended = false;
  let wakeTaker: (() => void) | undefined;
  let wakeWalker: (() => void) | undefined;
  const signalTaker = () => {
    const wake = wakeTaker;
    wakeTaker = undefined;
    wake?.();
  };
  const signalWalker = () => {
    const wake = wakeWalker;
    wakeWalker = undefined;
    wake?.();
  };

  const pump = async () => {
    let sinceYield = 0;
    try {
      for await (const item of items) {
        buffer.push(item);
        if (wakeTaker) signalTaker();
        if (++sinceYield >= options.yieldEvery) {
          sinceYield = 0;
          await nextTurn();
        }
        while (buffer.length >= options.limit) {
          signalTaker();
          await new Promise<void>((resolve) => (wakeWalker = resolve));
        }
      }
    } finally {
      ended = true;
      signalTaker();
    }
  };
  void pump().catch(() => undefined);

  // Takers queue up, so concurrent takes get consecutive slices in walk order.
  let turn: Promise<unknown> = Promise.resolve();
  const takeNow = async (n: number): Promise<T[] | undefined> => {
    // Never wait for more than the buffer may hold: the walk pauses at the limit.
    const wanted = Math.min(n, options.limit);
    while (buffer.length < wanted && !ended) await new Promise<void>((resolve) => (wakeTaker = resolve));
    const batch = buffer.splice(0, n);
    if (buffer.length < options.limit / 2) signalWalker();
    return batch.length > 0 ? batch : undefined;
  };
  return {
    take(n: number) {
      const result = turn.then(() => takeNow(n));
      turn = result;
      return result;
    },
  };
}
