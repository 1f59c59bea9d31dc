import { describe, expect, it } from "vitest";
import { applyRules } from "../../../src/scan/apply-rules.js";
import { loadAllSecretRules } from "../../../src/scan/registry.js";
import { isPlaceholder } from "../../../src/scan/secrets/placeholder.js";

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
