import { describe, expect, it } from "vitest";
import { applyRules } from "../../../src/scan/apply-rules.js";
import type { RuleExample } from "../../../src/scan/rule.js";
import { loadSecretRuleEntries, loadSecretRules } from "../../../src/scan/secrets/catalog.js";

const entries = loadSecretRuleEntries();
const rules = loadSecretRules();
const asExample = (e: string | RuleExample): RuleExample => (typeof e === "string" ? { text: e } : e);

describe("secret rules", () => {
  it("have unique ids, examples both ways, and keywords for the prefilter", () => {
    const ids = entries.map((e) => e.entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { entry } of entries) {
      expect(entry.examples?.positive?.length ?? 0, `${entry.id} positives`).toBeGreaterThan(0);
      expect(entry.examples?.negative?.length ?? 0, `${entry.id} negatives`).toBeGreaterThan(0);
      expect(entry.keywords?.length ?? 0, `${entry.id} keywords`).toBeGreaterThan(0);
    }
  });

  describe.each(entries.map(({ entry }, i) => ({ id: entry.id, entry, rule: rules[i]! })))("$id", ({ entry, rule }) => {
    it.each((entry.examples?.positive ?? []).map(asExample))("finds %#", (example) => {
      const findings = applyRules([rule], { path: example.file ?? "example.txt", text: example.text });
      expect(findings.length, example.text).toBeGreaterThan(0);
      if (example.line !== undefined) expect(findings[0]!.line).toBe(example.line);
      expect(findings[0]!.severity, example.text).toBe(example.severity ?? entry.severity);
    });
    it.each((entry.examples?.negative ?? []).map(asExample))("ignores %#", (example) => {
      expect(applyRules([rule], { path: example.file ?? "example.txt", text: example.text })).toEqual([]);
    });
  });

  it("reports known public test keys at low severity with a label", () => {
    const evm = rules.find((r) => r.meta.id === "evm-private-key")!;
    const [finding] = applyRules([evm], { path: ".env", text: "DEPLOYER_PRIVATE_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n" });
    expect(finding).toMatchObject({ severity: "low", tags: ["test-key"] });
    expect(finding!.message).toContain("Hardhat");
  });
});
