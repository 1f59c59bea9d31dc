import { describe, expect, it } from "vitest";
import { applyRules, fingerprintOf, matchesGlobs } from "../../src/scan/apply-rules.js";
import { FingerprintResolver } from "../../src/scan/fingerprint.js";
import { lineStarts, position } from "../../src/scan/line-index.js";
import type { ScanRule } from "../../src/scan/rule.js";
import { type DeferredFingerprints, Scanner } from "../../src/scan/scanner.js";

const tokenRule: ScanRule = {
  meta: { id: "test-token", category: "secret", severity: "high", description: "test token", source: "test", keywords: ["tok_"] },
  check: (file) => [...file.text.matchAll(/tok_[a-z0-9]{20}/g)].map((m) => ({ message: "token", start: m.index, end: m.index + m[0].length, secret: m[0] })),
};

describe("applyRules", () => {
  it("locates findings by line and column and never carries the raw value", () => {
    const secret = "tok_q8zr2lmx0vkp7tnb4wyc";
    const findings = applyRules([tokenRule], { path: "a/b.env", text: `x=1\n  KEY=${secret}\n` });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: "test-token", path: "a/b.env", line: 2, column: 7, endLine: 2, severity: "high" });
    expect(JSON.stringify(findings)).not.toContain(secret);
    expect(findings[0]!.redacted).toBe("tok_q…4wyc");
  });

  it("skips rules whose keywords are absent", () => {
    let calls = 0;
    const counting: ScanRule = {
      ...tokenRule,
      check: (f) => {
        calls++;
        return tokenRule.check(f);
      },
    };
    applyRules([counting], { path: "x.txt", text: "nothing here" });
    expect(calls).toBe(0);
  });

  it("respects file globs", () => {
    const onlyEnv: ScanRule = { ...tokenRule, meta: { ...tokenRule.meta, files: ["**/*.env"] } };
    const text = "tok_q8zr2lmx0vkp7tnb4wyc";
    expect(applyRules([onlyEnv], { path: "src/a.ts", text })).toHaveLength(0);
    expect(applyRules([onlyEnv], { path: "deploy/prod.env", text })).toHaveLength(1);
  });

  it("leaves out paths matching a !glob when the list also includes some", () => {
    const code: ScanRule = { ...tokenRule, meta: { ...tokenRule.meta, files: ["**/*.{ts,js}", "!**/*.d.ts"] } };
    const text = "tok_q8zr2lmx0vkp7tnb4wyc";
    expect(applyRules([code], { path: "src/a.ts", text })).toHaveLength(1);
    expect(applyRules([code], { path: "types/a.d.ts", text })).toHaveLength(0);
    expect(applyRules([code], { path: "README.md", text })).toHaveLength(0);
    expect(matchesGlobs(["!**/*.md"], "src/a.ts")).toBe(true); // a lone !glob keeps picomatch's meaning
  });

  it("reports a throwing rule and keeps the others", () => {
    const broken: ScanRule = {
      meta: { ...tokenRule.meta, id: "broken", keywords: [] },
      check: () => {
        throw new Error("boom");
      },
    };
    const errors: string[] = [];
    const findings = applyRules([broken, tokenRule], { path: "x", text: "tok_q8zr2lmx0vkp7tnb4wyc" }, (id) => errors.push(id));
    expect(errors).toEqual(["broken"]);
    expect(findings).toHaveLength(1);
  });

  it("keeps the fingerprint when the line moves and changes it for another secret", () => {
    const a = applyRules([tokenRule], { path: "f", text: "tok_q8zr2lmx0vkp7tnb4wyc" })[0]!;
    const b = applyRules([tokenRule], { path: "f", text: "\n\n\ntok_q8zr2lmx0vkp7tnb4wyc" })[0]!;
    const c = applyRules([tokenRule], { path: "f", text: "tok_m3kd9wq1xz7vb2hn5tpa" })[0]!;
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).not.toBe(c.fingerprint);
    expect(fingerprintOf("r", "p", "v")).toMatch(/^[0-9a-f]{24}$/);
  });

  it("maps offsets to positions", () => {
    const lines = lineStarts("ab\ncd\n\nef");
    expect(position(lines, 0)).toEqual({ line: 1, column: 1 });
    expect(position(lines, 4)).toEqual({ line: 2, column: 2 });
    expect(position(lines, 7)).toEqual({ line: 4, column: 1 });
  });
});

describe("placeholders", () => {
  it("documentation values are never secret findings; an illustrative one a provider rule matched is info, below the gate", () => {
    const text = "A=tok_xxxxxxxxxxxxxxxxxxxx\nB=tok_abcdefghijklmnopqrst\n";
    const findings = applyRules([tokenRule], { path: "x", text });
    expect(findings.map((f) => [f.line, f.severity, f.tags])).toEqual([[2, "info", ["illustrative"]]]);
    expect(JSON.stringify(findings)).not.toContain("abcdefghijklmnopqrst");
  });
});

describe("deferred value tags", () => {
  const text = "A=tok_q8zr2lmx0vkp7tnb4wyc\nB=tok_q8zr2lmx0vkp7tnb4wyc // rampart:ignore test data\nC=tok_m3kd9wq1xz7vb2hn5tpa\n";

  it("leave a random token's salted tag to the caller, who gets the fingerprint an immediate scan gives", async () => {
    const scanner = new Scanner([tokenRule]);
    const deferred: DeferredFingerprints = [];
    const provisional = scanner.scan({ path: "f.env", text }, undefined, undefined, undefined, deferred);
    const immediate = scanner.scan({ path: "f.env", text });
    // The ignored line's finding is gone before any tag is computed: two findings, two deferred tags.
    expect(provisional.map((f) => f.line)).toEqual([1, 3]);
    expect(deferred.map((d) => d.index)).toEqual([0, 1]);
    expect(provisional.map((f) => f.fingerprint)).not.toEqual(immediate.map((f) => f.fingerprint));
    const resolver = new FingerprintResolver();
    await resolver.resolveAll(provisional, deferred);
    expect(provisional.map((f) => f.fingerprint)).toEqual(immediate.map((f) => f.fingerprint));
  });

  it("resolve only the findings the caller keeps", async () => {
    const deferred: DeferredFingerprints = [];
    const findings = new Scanner([tokenRule]).scan({ path: "f.env", text }, undefined, undefined, undefined, deferred);
    const before = findings.map((f) => f.fingerprint);
    await new FingerprintResolver().resolveAll(findings, deferred, (i) => i === 1);
    expect(findings[0]!.fingerprint).toBe(before[0]);
    expect(findings[1]!.fingerprint).not.toBe(before[1]);
  });
});
