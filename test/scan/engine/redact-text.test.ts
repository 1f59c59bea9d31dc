import { describe, expect, it } from "vitest";
import { redactSecretsInText } from "../../../src/scan/redact-text.js";
import { githubToken, randomChars } from "./fixtures.js";

describe("redactSecretsInText", () => {
  it("replaces every secret a rule recognises and keeps the rest of the text", () => {
    const token = githubToken();
    const aws = `aws_secret_access_key = ${randomChars(40)}`.slice(-40);
    const stripe = `sk_live_${randomChars(30)}`;
    const out = redactSecretsInText(`step 3: rotated ${token}, then ${stripe} and AWS_SECRET_ACCESS_KEY=${aws} (twice: ${token})`);
    expect(out).not.toContain(token);
    expect(out).not.toContain(aws);
    expect(out).not.toContain(stripe);
    expect(out).toContain("AWS_SECRET_ACCESS_KEY=");
    expect(out).toContain("step 3: rotated ghp_");
    expect(out).toContain("…");
  });

  it("returns text without secrets unchanged", () => {
    const text = "nothing to see: sk-... your_key_here ${API_KEY}";
    expect(redactSecretsInText(text)).toBe(text);
    expect(redactSecretsInText("")).toBe("");
  });
});
