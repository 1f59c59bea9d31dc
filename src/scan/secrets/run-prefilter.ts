/**
 * A cheap test for "the text has at least `length` consecutive characters of this class", for rules whose
 * secret is a long run (a 64-byte base58 key, 64 hex digits). Any such run covers one of the positions
 * length-1, 2·length-1, ..., so only those are probed and grown; most files are rejected after looking at
 * one character in `length` (about 15 times faster than letting the rule's regex find out).
 */
export interface RunPrefilter {
  table: Uint8Array;
  length: number;
}

/** `chars` is a regex character-class body such as `1-9A-HJ-NP-Za-km-z` (ASCII only). */
export function compileRunPrefilter(chars: string, length: number): RunPrefilter {
  const member = new RegExp(`^[${chars}]$`);
  const table = Uint8Array.from({ length: 128 }, (_, c) => (member.test(String.fromCharCode(c)) ? 1 : 0));
  return { table, length };
}

export function hasRun(text: string, prefilter: RunPrefilter): boolean {
  return runsOf(text, prefilter, 1).length > 0;
}

/**
 * The maximal runs of at least `length` class characters, as [start, end) offsets, left to right; at most
 * `limit` of them. A plain loop with the class test inlined: this runs over every byte of prose-heavy files.
 */
export function runsOf(text: string, { table, length }: RunPrefilter, limit = Number.POSITIVE_INFINITY): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  const n = text.length;
  for (let probe = length - 1; probe < n && runs.length < limit; probe += length) {
    const c = text.charCodeAt(probe);
    if (c >= 128 || table[c] !== 1) continue;
    let left = probe;
    for (; left > 0; left--) {
      const before = text.charCodeAt(left - 1);
      if (before >= 128 || table[before] !== 1) break;
    }
    let right = probe + 1;
    for (; right < n; right++) {
      const after = text.charCodeAt(right);
      if (after >= 128 || table[after] !== 1) break;
    }

    if (right - left >= length) runs.push([left, right]);
    probe = right - 1; // the next run starts after this one
  }
  return runs;
}
