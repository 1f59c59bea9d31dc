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
  return !runsOf(text, prefilter).next().done;
}

/** Every maximal run of at least `length` class characters, as [start, end) offsets, left to right. */
export function* runsOf(text: string, { table, length }: RunPrefilter): Generator<[number, number]> {
  const inClass = (i: number) => {
    const c = text.charCodeAt(i);
    return c < 128 && table[c] === 1;
  };
  for (let probe = length - 1; probe < text.length; probe += length) {
    if (!inClass(probe)) continue;
    let left = probe;
    while (left > 0 && inClass(left - 1)) left--;
    let right = probe;
    while (right + 1 < text.length && inClass(right + 1)) right++;
    if (right - left + 1 >= length) yield [left, right + 1];
    probe = right; // the next run starts after this one
  }
}
