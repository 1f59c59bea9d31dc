import { describe, expect, it } from "vitest";
import { MemberWindow, memberHash, NAMED_MEMBERS } from "../../src/detect/member-window.js";

describe("distinct members in a sliding window", () => {
  it("counts distinct members, says which are new, and keeps the oldest last-seen time", () => {
    const w = new MemberWindow(true);
    expect(w.see("a", 1000, 0, 10)).toEqual({ count: 1, firstSeen: 1000, fresh: true });
    expect(w.see("b", 2000, 0, 10)).toEqual({ count: 2, firstSeen: 1000, fresh: true });
    // A repeat moves "a" to the newest end: "b" is now the least recently seen.
    expect(w.see("a", 3000, 0, 10)).toEqual({ count: 2, firstSeen: 2000, fresh: false });
    expect(w.newest(0)).toEqual(["a", "b"]);
  });

  it("drops members last seen at or before the window start, and a returning member is new again", () => {
    const w = new MemberWindow(true);
    w.see("a", 1000, 0, 10);
    w.see("b", 2000, 0, 10);
    expect(w.see("c", 12_000, 1500, 10)).toEqual({ count: 2, firstSeen: 2000, fresh: true });
    expect(w.newest(1500)).toEqual(["c", "b"]);
    expect(w.see("a", 12_500, 2500, 10).fresh).toBe(true);
    expect(w.newest(2500)).toEqual(["a", "c"]);
  });

  it("keeps at most `keep` members, evicting the least recently seen", () => {
    const w = new MemberWindow(false);
    for (let i = 0; i < 50; i++) w.see(`m${i}`, 1000 + i, 0, 8);
    expect(w.size).toBe(8);
    // m42..m49 are kept; m41 was pushed out and counts as new, pushing out m43 (m42 was just seen again).
    expect(w.see("m42", 2000, 0, 8).fresh).toBe(false);
    expect(w.see("m41", 2001, 0, 8)).toEqual({ count: 8, firstSeen: 1044, fresh: true });
    // Unnamed windows keep no strings at all.
    expect(w.newest(0)).toEqual([]);
  });

  it("names the newest members first, at most ten, each once", () => {
    const w = new MemberWindow(true);
    for (let i = 0; i < 25; i++) w.see(`10.0.0.${i % 15}`, 1000 + i, 0, 120);
    const named = w.newest(0);
    expect(named).toHaveLength(NAMED_MEMBERS);
    expect(named).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0].map((i) => `10.0.0.${i}`));
  });

  it("hashes to distinct 53-bit values (no collisions over a million addresses)", () => {
    const seen = new Set<number>();
    let unsafe = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const h = memberHash(`${10 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.1`);
      if (!Number.isSafeInteger(h) || h < 0) unsafe++;
      seen.add(h);
    }
    expect(unsafe).toBe(0);
    expect(seen.size).toBe(1_000_000);
  });
});
