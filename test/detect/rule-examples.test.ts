import { describe, expect, it } from "vitest";
import { Detector } from "../../src/detect/detector.js";
import { expandExample, loadDetectRules } from "../../src/detect/rule.js";

const rules = loadDetectRules();
const REQUIRED = [
  "brute-force",
  "credential-stuffing",
  "distributed-guessing",
  "token-sharing",
  "path-scan",
  "attack-tool",
  "injection-probe",
  "cross-tenant",
  "privilege-probe",
  "revoked-credential",
  "volume-spike",
  "key-spray",
  "object-enumeration",
];

describe("detect rules as data", () => {
  it("has every rule the issue names, each with positive and negative examples", () => {
    expect(rules.map((r) => r.id).sort()).toEqual([...REQUIRED].sort());
    for (const rule of rules) {
      expect(rule.examples.positive.length, rule.id).toBeGreaterThan(0);
      expect(rule.examples.negative.length, rule.id).toBeGreaterThan(0);
    }
  });

  for (const rule of rules) {
    describe(rule.id, () => {
      for (const example of rule.examples.positive) {
        it(`fires on: ${example.name}`, () => {
          const detector = new Detector([rule]);
          const alerts = expandExample(example).flatMap((e) => detector.observe(e));
          expect(alerts.map((a) => a.rule)).toContain(rule.id);
        });
      }
      for (const example of rule.examples.negative) {
        it(`stays quiet (every rule) on: ${example.name}`, () => {
          const detector = new Detector(rules);
          const alerts = expandExample(example).flatMap((e) => detector.observe(e));
          expect(alerts.map((a) => `${a.rule} ${JSON.stringify(a.subject)}`)).toEqual([]);
        });
      }
    });
  }
});
