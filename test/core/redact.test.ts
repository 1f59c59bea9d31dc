import { describe, expect, it } from "vitest";
import { redactKnownSecrets, redactSecret } from "../../src/core/redact.js";

describe("redactSecret", () => {
  it.each([
    ["sk-proj-abcdefghijklmnopqrstuvwxyzQ3xA", "sk-pr…Q3xA"],
    ["abcdefghijkl", "ab…kl"],
    ["hunter2", "h…"],
    ["abc", "…"],
    ["", "…"],
  ])("%s → %s", (secret, expected) => {
    expect(redactSecret(secret)).toBe(expected);
  });

  it("never shows more than half of the value", () => {
    for (let n = 1; n < 64; n++) {
      const secret = "x".repeat(n);
      const visible = redactSecret(secret).replace("…", "").length;
      expect(visible * 2).toBeLessThanOrEqual(n);
    }
  });
});

describe("redactKnownSecrets", () => {
  it("replaces every occurrence, longest first", () => {
    const text = "a=ghp_0123456789abcdefghij0123456789abcdef b=ghp_0123456789abcdefghij0123456789abcdef";
    const out = redactKnownSecrets(text, ["ghp_0123456789abcdefghij0123456789abcdef"]);
    expect(out).not.toContain("0123456789abcdefghij");
    expect(out).toBe("a=ghp_0…cdef b=ghp_0…cdef");
  });
});
