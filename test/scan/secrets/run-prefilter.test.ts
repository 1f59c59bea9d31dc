import { describe, expect, it } from "vitest";
import { compilePatternRule } from "../../../src/scan/secrets/pattern-rule.js";
import { compileRunPrefilter, hasRun, runsOf } from "../../../src/scan/secrets/run-prefilter.js";

const hex = compileRunPrefilter("0-9a-fA-F", 8);
const run = (n: number) => "a1B2c3D4e5".repeat(10).slice(0, n);

describe("long-run prefilter", () => {
  it("finds a run of exactly the length wherever it sits", () => {
    for (let offset = 0; offset < 20; offset++) {
      const text = `${"-".repeat(offset)}${run(8)}${"-".repeat(20 - offset)}`;
      expect(hasRun(text, hex), `offset ${offset}`).toBe(true);
    }
    expect(hasRun(run(8), hex)).toBe(true);
  });

  it("rejects runs one short, however many there are, and other characters", () => {
    expect(hasRun(`${run(7)}-`.repeat(50), hex)).toBe(false);
    expect(hasRun("ghijklmnopqrstuvwxyz".repeat(5), hex)).toBe(false);
    expect(hasRun("", hex)).toBe(false);
    expect(hasRun("aaaaééééaaaa", hex)).toBe(false);
  });

  it("agrees with the regex it stands in for on random texts", () => {
    const alphabet = "0123456789abcdefxyz- ";
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let t = 0; t < 300; t++) {
      const text = Array.from({ length: 60 }, () => alphabet[Math.floor(random() * (random() < 0.9 ? 16 : alphabet.length))]).join("");
      expect(hasRun(text, hex), text).toBe(/[0-9a-fA-F]{8}/.test(text));
    }
  });

  it("lists every run at least the length long, with its exact bounds", () => {
    const text = `--${run(8)}-${run(3)}-${run(12)}`;
    expect([...runsOf(text, hex)]).toEqual([
      [2, 10],
      [15, 27],
    ]);
    expect([...runsOf(run(7), hex)]).toEqual([]);
  });
});

describe("matchInside: searching only the runs", () => {
  const entry = { id: "word-run", description: "twelve words", severity: "high", pattern: "(?<![a-z] )\\b(?:[a-z]{3,8}[ \\t]+){11}[a-z]{3,8}\\b" };
  const inside = compilePatternRule({ ...entry, requiresRun: { chars: "a-z \\t", length: 47, matchInside: true } }, { file: "test" });
  const whole = compilePatternRule(entry, { file: "test" });
  const words = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ["alpha", "bravo", "charlie", "delta"][(i + from) % 4]).join(" ");

  it("reports what a whole-text search reports, at the same offsets", () => {
    const texts = [
      `const phrase = "${words(12)}";`,
      `X${words(12)}`, // a word character right before the run: \b fails there, in both
      `${words(12)}9`,
      `first: ${words(12)}\nsecond: ${words(12, 1)}.`,
      `${words(30)}`,
      `Word ${words(11)}`,
    ];
    for (const text of texts) {
      const file = { path: "a.txt", text };
      expect(inside.check(file), text).toEqual(whole.check(file));
    }
    expect(inside.check({ path: "a.txt", text: `first: ${words(12)}\nsecond: ${words(12, 1)}.` })).toHaveLength(2);
  });
});
