import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyRules } from "../../../src/scan/apply-rules.js";
import { loadAllSecretRules } from "../../../src/scan/registry.js";
import { isPlaceholder, placeholderKind } from "../../../src/scan/secrets/placeholder.js";
import { runCli } from "../../support/cli.js";

describe("placeholder shapes", () => {
  it("recognises made-up token bodies from docs and scanners' samples", () => {
    for (const v of [
      "xoxb-xoxb-my-bot-token",
      "xoxe.xoxp-1-RANDOMSTRINGHERE",
      "xoxe.xoxp-1-SlackAppConfigurationAccessTokenHere",
      "sk-my-openai-key",
      "ghp_your_github_token",
    ])
      expect(isPlaceholder(v), v).toBe(true);
  });

  it("leaves random tokens alone", () => {
    for (const v of [
      "xoxb-4726837507825-4848681849303-Zr8TqW2mLx5vKp9NcY4hBf7J",
      "xoxe.xoxp-1-Mi0yLTQ3MjY4Mzc1MDc4MjUtNDg0ODY4MTg0OTMwMy1aU2ZuY0h5",
      "sk_live_51Hf3kLm8QxZr2TwVb9NcY4hBf7JpWd",
    ])
      expect(isPlaceholder(v), v).toBe(false);
  });

  it("no secret rule, secretlint's included, reports them", () => {
    const rules = loadAllSecretRules();
    for (const text of ["SLACK_BOT_TOKEN=xoxb-xoxb-my-bot-token\n", "token: xoxe.xoxp-1-RANDOMSTRINGHERE\n"])
      expect(applyRules(rules, { path: "a.env", text }), text).toEqual([]);
  });
});

describe("placeholder kinds", () => {
  it("tells values that say they are documentation from values only shaped like an example", () => {
    for (const v of [
      "${GROQ_API_KEY}",
      "your_api_key_here",
      "<token>",
      `sk-${"0".repeat(48)}`,
      `AGE-SECRET-KEY-1${"Q".repeat(58)}`,
      "ghp_PersonalAccessToken01245678900000000",
      "GR134894112312312312312312312",
      "AKIAIOSFODNN7SECRETS",
      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
    ])
      expect(placeholderKind(v), v).toBe("documentation");
    for (const v of ["1a2b3c4d5e6f7g8h9i0j1k2l3m4n5o6p", "abcdef1234567890abcdef1234567890", "gsk_aBcDeFgHiJkLmNoPqRsT1234567890abcdefghijklmnopqrstuv"])
      expect(placeholderKind(v), v).toBe("illustrative");
    for (const v of ["Zr8TqW2mLx5vKp9NcY4hBf7J", "superSecret1"]) expect(placeholderKind(v), v).toBeUndefined();
  });

  it("takes xxx for a placeholder as a word or a long run, not three x's a random token holds once in a thousand", () => {
    for (const v of ["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", "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"]) expect(isPlaceholder(v), v).toBe(false);
    for (const v of ["sk-xxxxxxxxxxxx", "ghp_xxx_token_abc7Q2", "AKIAXXXXXXXXXXXXXXXX", "xxx-xxx-xxxx", "Bearer_xxxxx9Qz"])
      expect(isPlaceholder(v), v).toBe(true);
  });

  it("a provider rule reports an illustrative value at info, below the gate and redacted; a generic rule and documentation values report nothing", async () => {
    const illustrative = "gsk_aBcDeFgHiJkLmNoPqRsT1234567890abcdefghijklmnopqrstuv";
    const genericWalk = "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6";
    const dir = mkdtempSync(join(tmpdir(), "rampart-illustrative-"));
    try {
      writeFileSync(join(dir, "app.env"), `GROQ_API_KEY=${illustrative}\nGROQ_BACKUP_KEY=gsk_${"0".repeat(52)}\nAPP_SECRET="${genericWalk}"\n`);
      const result = await runCli(["scan", ".", "--category", "secret", "--no-cache", "--format", "json"], { cwd: dir });
      expect(result.code, result.stderr).toBe(0);
      const { findings } = JSON.parse(result.stdout) as {
        findings: Array<{ ruleId: string; severity: string; line: number; message: string; tags?: string[] }>;
      };
      expect(findings.map((f) => [f.ruleId, f.severity, f.line])).toEqual([["groq-api-key", "info", 1]]);
      expect(findings[0]?.tags).toContain("illustrative");
      expect(findings[0]?.message).toMatch(/looks illustrative.*rotate.*rampart:ignore/);
      for (const raw of [illustrative, illustrative.slice(4), genericWalk]) expect(result.stdout).not.toContain(raw);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
