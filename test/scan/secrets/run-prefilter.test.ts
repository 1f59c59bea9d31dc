import { describe, expect, it } from "vitest";
import { compileRunPrefilter, hasRun } from "../../../src/scan/secrets/run-prefilter.js";

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
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let t = 0; t < 300; t++) {
      const text = Array.from({ length: 60 }, () => alphabet[Math.floor(random() * (random() < 0.9 ? 16 : alphabet.length))]).join("");
      expect(hasRun(text, hex), text).toBe(/[0-9a-fA-F]{8}/.test(text));
    }
  });
});
