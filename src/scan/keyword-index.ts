/**
 * Bytes to lower-case ASCII: A-Z fold to a-z, bytes of multi-byte UTF-8 characters (and Latin-1 letters)
 * become DEL, which no table keyword contains. A table lookup per byte is cheaper than arithmetic.
 */
const FOLD = Uint8Array.from({ length: 256 }, (_, c) => (c >= 65 && c <= 90 ? c | 32 : c < 128 ? c : 127));
const TRIGRAM_MASK = (1 << 21) - 1;
const trigram = (a: number, b: number, c: number) => (a << 14) | (b << 7) | c;

/**
 * How common a character is in source code and prose, most common first (roughly: letters by English
 * frequency, then digits and punctuation). Only the order matters: it picks each keyword's rarest three
 * characters as the place to look it up, so the table is hit at "tgr" of `postgres`, not at every "pos".
 */
const COMMON = " etaoinsrlcdpumhfgbyvwkxjqz.,;:()='\"/_-0123456789";
const commonness = (c: number) => {
  const rank = COMMON.indexOf(String.fromCharCode(c));
  return rank === -1 ? 0 : COMMON.length - rank;
};

interface Keyword {
  text: string;
  codes: Uint8Array;
  /** Where in the keyword its anchor trigram starts. */
  anchor: number;
  /** The sets (rules) this keyword can pass. */
  sets: number[];
}

/**
 * Decides, in one pass over a text, which keyword sets (one per rule: "any of these words") have a word in
 * it, instead of one `includes` per keyword per rule (with ~190 keywords that was most of the scan time).
 * Each keyword is looked up at its rarest trigram in a table that rejects almost every position, and a set
 * stops costing once it has passed: its words are no longer compared. It reads the file's bytes, not the
 * decoded string: keywords are ASCII, UTF-8 never puts an ASCII byte inside another character, and indexing
 * bytes is about twice as fast as `charCodeAt`.
 */
export class KeywordIndex {
  private readonly keywords: Keyword[] = [];
  /** Trigram → slot + 1 (0: no keyword is anchored there). */
  private readonly slotOf = new Uint16Array(1 << 21);
  private readonly slotKeywords: number[][] = [];
  private readonly slotTrigram: number[] = [];
  private readonly keywordSlot: number[] = [];
  /** Keywords the table cannot hold (shorter than 3 characters or non-ASCII): plain `includes`. */
  private readonly others: number[] = [];
  private readonly setKeywords: number[][];
  private readonly emptySets: number[] = [];
  // Per-text state, reset by each call.
  private readonly passed: Uint8Array;
  private readonly liveSets: Int32Array;
  private readonly liveKeywords: Int32Array;
  private readonly closed: number[] = [];

  /** `sets[i]` are the words of set i; a set without words always passes. */
  constructor(sets: ReadonlyArray<readonly string[]>) {
    const ids = new Map<string, number>();
    this.setKeywords = sets.map((words, set) => {
      const essential = essentialKeywords(words);
      if (essential.length === 0) this.emptySets.push(set);
      return essential.map((text) => {
        let id = ids.get(text);
        if (id === undefined) {
          id = this.addKeyword(text);
          ids.set(text, id);
        }
        this.keywords[id]!.sets.push(set);
        return id;
      });
    });
    this.passed = new Uint8Array(sets.length);
    this.liveSets = new Int32Array(this.keywords.length);
    this.liveKeywords = new Int32Array(this.slotKeywords.length);
  }

  private addKeyword(text: string): number {
    const id = this.keywords.length;
    const codes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    const anchor = rarestTrigram(codes);
    this.keywords.push({ text, codes, anchor, sets: [] });
    const key = text.length < 3 ? 0 : trigram(codes[anchor]!, codes[anchor + 1]!, codes[anchor + 2]!);
    // The table holds up to 65,535 trigrams (a custom rule set could bring more).
    const tableFull = this.slotOf[key] === 0 && this.slotKeywords.length >= 0xffff;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is all of printable ASCII and below, to spot non-ASCII keywords
    if (text.length < 3 || /[^\x00-\x7e]/.test(text) || tableFull) {
      this.others.push(id);
      this.keywordSlot.push(-1);
      return id;
    }
    let slot = this.slotOf[key]! - 1;
    if (slot < 0) {
      slot = this.slotKeywords.length;
      this.slotKeywords.push([]);
      this.slotTrigram.push(key);
      this.slotOf[key] = slot + 1;
    }
    this.slotKeywords[slot]!.push(id);
    this.keywordSlot.push(slot);
    return id;
  }

  /**
   * Indices of the sets with a word in `text` (compared case-insensitively: ASCII letters fold, others
   * compare as-is), ascending. `bytes` is the text's UTF-8 (or, for pure ASCII, Latin-1) encoding when the
   * caller has it already.
   */
  passing(text: string, bytes: Uint8Array = Buffer.from(text, "utf8")): number[] {
    this.reset();
    try {
      this.scanBytes(bytes);
    } finally {
      // The table is shared by every call: reopen the slots this text closed.
      for (const slot of this.closed) this.slotOf[this.slotTrigram[slot]!] = slot + 1;
      this.closed.length = 0;
    }
    for (const id of this.others) {
      if (this.liveSets[id]! > 0 && containsFolded(text, this.keywords[id]!.text)) this.found(id);
    }
    const out: number[] = [];
    for (let set = 0; set < this.passed.length; set++) if (this.passed[set] === 1) out.push(set);
    return out;
  }

  private reset(): void {
    this.passed.fill(0);
    for (const set of this.emptySets) this.passed[set] = 1;
    for (let id = 0; id < this.keywords.length; id++) this.liveSets[id] = this.keywords[id]!.sets.length;
    for (let slot = 0; slot < this.slotKeywords.length; slot++) this.liveKeywords[slot] = this.slotKeywords[slot]!.length;
  }

  private scanBytes(bytes: Uint8Array): void {
    const slotOf = this.slotOf;
    const n = bytes.length;
    if (n < 3) return;
    let key = (FOLD[bytes[0]!]! << 7) | FOLD[bytes[1]!]!;
    for (let i = 2; i < n; i++) {
      key = ((key << 7) | FOLD[bytes[i]!]!) & TRIGRAM_MASK;
      const slot = slotOf[key]!;
      if (slot !== 0) this.compareAt(bytes, i - 2, slot - 1);
    }
  }

  /** Compares the live keywords anchored at this trigram, which starts at `at`. */
  private compareAt(bytes: Uint8Array, at: number, slot: number): void {
    for (const id of this.slotKeywords[slot]!) {
      if (this.liveSets[id]! <= 0) continue;
      const { codes, anchor } = this.keywords[id]!;
      if (matchesAt(bytes, at - anchor, codes)) this.found(id);
    }
  }

  private found(id: number): void {
    for (const set of this.keywords[id]!.sets) {
      if (this.passed[set] === 1) continue;
      this.passed[set] = 1;
      // A passed set needs none of its words any more: those only it wanted stop being compared.
      for (const other of this.setKeywords[set]!) this.release(other);
    }
  }

  private release(id: number): void {
    if (--this.liveSets[id]! !== 0) return;
    const slot = this.keywordSlot[id]!;
    if (slot < 0 || --this.liveKeywords[slot]! !== 0) return;
    this.slotOf[this.slotTrigram[slot]!] = 0;
    this.closed.push(slot);
  }
}

/** A set's words without those containing another of its words: "secret" passes whenever "secret_key" would. */
function essentialKeywords(words: readonly string[]): string[] {
  const lower = [...new Set(words.map((w) => w.toLowerCase()))];
  return lower.filter((w) => !lower.some((other) => other !== w && w.includes(other)));
}

function rarestTrigram(codes: Uint8Array): number {
  let best = 0;
  let bestScore = Number.POSITIVE_INFINITY;
  for (let at = 0; at + 3 <= codes.length; at++) {
    const score = commonness(codes[at]!) + commonness(codes[at + 1]!) + commonness(codes[at + 2]!);
    if (score < bestScore) {
      best = at;
      bestScore = score;
    }
  }
  return best;
}

function matchesAt(bytes: Uint8Array, start: number, codes: Uint8Array): boolean {
  if (start < 0 || start + codes.length > bytes.length) return false;
  for (let j = 0; j < codes.length; j++) {
    if (FOLD[bytes[start + j]!] !== codes[j]) return false;
  }
  return true;
}

/** Keywords without letters need no folded copy of the text. */
function containsFolded(text: string, lowerKeyword: string): boolean {
  return /\p{L}/u.test(lowerKeyword) ? text.toLowerCase().includes(lowerKeyword) : text.includes(lowerKeyword);
}
