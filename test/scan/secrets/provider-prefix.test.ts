import { describe, expect, it } from "vitest";
import { Scanner } from "../../../src/scan/scanner.js";
import { loadSecretlintRules } from "../../../src/scan/secretlint-adapter.js";
import { loadSecretRules } from "../../../src/scan/secrets/catalog.js";
import { compilePatternRule } from "../../../src/scan/secrets/pattern-rule.js";

const scanner = new Scanner(loadSecretRules());
const rulesOn = (path: string, text: string) => scanner.scan({ path, text }).map((f) => f.ruleId);

/**
 * A value that opens with a prefix a provider rule owns (`nvapi-`, `glpat-`, `sk_live_`) is that provider's
 * token or nothing: the provider rule judges it, and the generic rules do not report what it turned down.
 */
describe("values with a provider's own prefix", () => {
  it("are left to the provider rule when they have the wrong shape for it", () => {
    expect(rulesOn(".env", "NVIDIA_API_KEY=nvapi-Q7wLx2Vt9KpR4mZ8cYb3Nf\n")).toEqual([]);
    expect(rulesOn(".env", "GITLAB_TOKEN=glpat-Vt7kQ2m9XpL4\n")).toEqual([]);
    expect(rulesOn("config.yaml", "swarm:\n  join_token: 'SWMTKN-1-vt7kq2m9xpl4wz8rn3cy'\n")).toEqual([]);
    // A prefix a rule spells in the token's own case (`AIza`), with no separator: 46 characters, not Google's 39.
    expect(rulesOn(".env", "GCP_API_KEY=AIzaTq7wLx2Vt9KpR4mZ8cYb3NfHj6Ds1Ge5Ua0Wi9kE\n")).toEqual([]);
  });

  it("are reported by the provider rule when they have its shape", () => {
    const key = `nvapi-${"Q7wLx2Vt9KpR4mZ8cYb3NfHj6Ds1Ge5Ua0Wi".repeat(2).slice(0, 64)}`;
    expect(rulesOn(".env", `NVIDIA_API_KEY=${key}\n`)).toEqual(["nvidia-api-key"]);
  });

  it("leave values without such a prefix to the generic rules", () => {
    expect(rulesOn(".env", "RELAY_API_KEY=Vt7kQ2m9XpL4wZ8rN3cYb6Hq\n")).toEqual(["generic-secret-assignment"]);
    expect(rulesOn(".env", "RELAY_API_KEY=rly_Vt7kQ2m9XpL4wZ8rN3cYb6Hq\n")).toEqual(["generic-secret-assignment"]);
  });
});

describe("values a provider rule matched and turned down", () => {
  // A provider rule with a published value on its allow list (as gitleaks lists known-public keys).
  const relay = compilePatternRule(
    {
      id: "relay-key",
      description: "Relay key",
      severity: "high",
      keywords: ["rly"],
      pattern: "(?<secret>RLY[A-Za-z0-9]{21})",
      allow: ["^RLYq7wLx2Vt9KpR4mZ8cYb3N$"],
    },
    { file: "test" },
  );
  const withRelay = new Scanner([relay, ...loadSecretRules()]);
  const rulesIn = (text: string) => withRelay.scan({ path: ".env", text }).map((f) => f.ruleId);

  it("are not reported by a generic rule either", () => {
    expect(rulesIn("RELAY_API_KEY=RLYq7wLx2Vt9KpR4mZ8cYb3N\n")).toEqual([]);
  });

  it("while the provider rule still reports the rest", () => {
    expect(rulesIn("RELAY_API_KEY=RLYVt7kQ2m9XpL4wZ8rN3cYb\n")).toEqual(["relay-key"]);
  });
});

describe("secretlint findings on a value with our provider's prefix", () => {
  // The full default set: our rules plus secretlint's, as `rampart scan` runs them.
  const full = new Scanner([...loadSecretRules(), ...loadSecretlintRules()]);
  const rulesIn = (text: string) => full.scan({ path: "notes.txt", text }).map((f) => f.ruleId);

  it("are dropped when our rule for that prefix turned the value down", () => {
    // Slack user tokens carry 10-13 digit ids; Vercel's tokens run 56 characters past the prefix.
    expect(rulesIn('"token3": "xoxp-4821-3390-7712-9f3ab27c51e04d8a6b1c03e7d95f2a18"\n')).toEqual([]);
    expect(rulesIn('VERCEL_API_KEY = "vci_Qm7Tz2Lw9XkR4vPn8CyB3hJf6Ds1Ge5Ua0WiKoN"\n')).toEqual([]);
    expect(rulesIn("https://indieweb.example/images/2018-250-xoxo-indieweb-1.jpg\n")).toEqual([]);
  });

  it("are reported once, by our rule, when the value has the provider's shape", () => {
    expect(rulesIn("SLACK_USER_TOKEN=xoxp-4539924960-9621619494546-8246185119392-V5qrDDruwWLU5CHZ6O2ZdhVQVxgSd1s2\n")).toEqual(["slack-user-token"]);
  });
});
