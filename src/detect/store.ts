import type { Block, Counted, Hit } from "./detector.js";

/** A shared count: `alertedElsewhere` when a kept count already alerted in this window on some instance. */
export interface SharedCount extends Counted {
  alertedElsewhere?: boolean;
}

/** What a store reports back to the guard: its connection state and blocks made by any instance. */
export interface StoreListener {
  /** Reachable (first connection, or again after an outage). */
  up(): void;
  down(error: unknown): void;
  /** A block set by some instance (this one included); the guard keeps it in its local table. */
  block(subject: string, block: Block): void;
}

/**
 * Shared state for a fleet of instances: counts hits and shares blocks. Every method may reject. The
 * request path never calls a store: blocks arrive through `listener.block` and are checked in memory.
 */
export interface DetectStore {
  readonly name: string;
  /** Longest a store call may take before the guard counts locally instead. Default 150 ms. */
  readonly timeoutMs?: number;
  /** Starts connecting. A store without `start` is taken as connected from the start. */
  start?(listener: StoreListener): void;
  /** Counts one hit atomically across the fleet. */
  count(hit: Hit): Promise<SharedCount>;
  /** Makes a block known to every instance (through `listener.block` on each). */
  setBlock(subject: string, block: Block, now: number): Promise<void>;
  /** Reads the active blocks again and hands each to the listener (after a reconnect: messages may have been missed). */
  resync?(): Promise<void>;
  close(): Promise<void>;
}

/** The methods a custom store must have; checked when the middleware is created. */
export const REQUIRED_STORE_METHODS = ["count", "setBlock", "close"] as const;
