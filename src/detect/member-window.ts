import { randomInt } from "node:crypto";

/** How many members an alert names (newest first). */
export const NAMED_MEMBERS = 10;

/** What one sighting of a member did to its window. */
export interface Sighting {
  /** Distinct members in the window. */
  count: number;
  /** When the oldest of them was last seen. */
  firstSeen: number;
  /** The member was not in the window before. */
  fresh: boolean;
}

/**
 * The distinct members of one subject within a sliding window (the networks a key came from, the paths an
 * address probed), in last-seen order, at most `keep` of them. A member is held as a 53-bit hash and a time
 * (16 bytes in an array of doubles), not as a string in a Map (about 90 bytes with its key string and boxed
 * time): pair-scoped rules keep up to 120 members per principal, and a spray over thousands of principals
 * made these maps most of the heap. The hash is seeded per process, so a client cannot aim for a
 * collision; one would only make two members count once. Only the newest `NAMED_MEMBERS` are kept by
 * name, and only for counts whose alert names them (sources and networks).
 */
export class MemberWindow {
  /**
   * Hash and last-seen time of each member, interleaved (`[hash, time, hash, time, …]`), oldest first. A
   * plain array of doubles lives on the heap with an 8-byte header; a typed array would cost two objects
   * and an ArrayBuffer (about 200 bytes) per subject before its first member.
   */
  private readonly entries: number[] = [];
  /** Names of the most recently seen members, newest last (an LRU of NAMED_MEMBERS), when names are wanted. */
  private readonly names: string[] | undefined;
  private readonly nameHashes: number[] | undefined;

  constructor(named: boolean) {
    if (named) {
      this.names = [];
      this.nameHashes = [];
    }
  }

  /** Distinct members in the window. */
  get size(): number {
    return this.entries.length / 2;
  }

  /** Records a sighting of `member` at `at`, dropping members last seen at or before `since`. */
  see(member: string, at: number, since: number, keep: number): Sighting {
    this.expire(since);
    const hash = memberHash(member);
    const found = this.indexOf(hash);
    if (found >= 0) this.remove(found);
    else if (this.size >= keep) this.remove(0);
    this.entries.push(hash, at);
    this.name(member, hash);
    return { count: this.size, firstSeen: this.entries[1]!, fresh: found < 0 };
  }

  /** The named members still in the window, newest first. */
  newest(since: number): string[] {
    const out: string[] = [];
    if (!this.names || !this.nameHashes) return out;
    for (let i = this.names.length - 1; i >= 0; i--) {
      const at = this.indexOf(this.nameHashes[i]!);
      if (at >= 0 && this.entries[at + 1]! > since) out.push(this.names[i]!);
    }
    return out;
  }

  private expire(since: number): void {
    const entries = this.entries;
    let expired = 0;
    while (expired < entries.length && entries[expired + 1]! <= since) expired += 2;
    if (expired === 0) return;
    entries.copyWithin(0, expired);
    entries.length -= expired;
  }

  /** The entry index of a member's hash, searched from the newest end: repeats are mostly of recent members. */
  private indexOf(hash: number): number {
    const entries = this.entries;
    for (let i = entries.length - 2; i >= 0; i -= 2) if (entries[i] === hash) return i;
    return -1;
  }

  private remove(index: number): void {
    this.entries.copyWithin(index, index + 2);
    this.entries.length -= 2;
  }

  private name(member: string, hash: number): void {
    const names = this.names;
    const hashes = this.nameHashes;
    if (!names || !hashes) return;
    const at = hashes.lastIndexOf(hash);
    if (at === hashes.length - 1 && at >= 0) return;
    if (at >= 0) {
      names.splice(at, 1);
      hashes.splice(at, 1);
    } else if (names.length >= NAMED_MEMBERS) {
      names.shift();
      hashes.shift();
    }
    names.push(member);
    hashes.push(hash);
  }
}

const SEED_1 = randomInt(0x100000000) | 0;
const SEED_2 = randomInt(0x100000000) | 0;

/** A seeded 53-bit hash (two 32-bit multiply-xor passes, murmur3's finaliser on each), exact in a double. */
export function memberHash(text: string): number {
  let h1 = SEED_1 ^ 0x811c9dc5;
  let h2 = SEED_2 ^ 0x9747b28c;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 13;
  }
  h1 ^= text.length;
  return (fmix(h1) >>> 0) * 0x200000 + (fmix(h2) >>> 11);
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
