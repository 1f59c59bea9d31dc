import type { Block, Counted, Hit } from "./detector.js";

/** Shared state for a fleet of instances: counts hits and keeps blocks. Every method may reject. */
export interface DetectStore {
  readonly name: string;
  count(hit: Hit): Promise<Counted>;
  setBlock(subject: string, block: Block, now: number): Promise<void>;
  /** The first active block among these subject keys. */
  getBlock(subjects: string[], now: number): Promise<(Block & { subject: string }) | undefined>;
  close(): Promise<void>;
}
