import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { Detector } from "../../src/detect/detector.js";
import { loadDetectRules, parseDetectRule } from "../../src/detect/rule.js";

const customRule = (pattern: string) => `
id: custom-probe
title: Custom probe
severity: high
description: a custom rule written by an operator
triggers:
  - kind: threshold
    match: { path: [${JSON.stringify(pattern)}] }
    subject: ip
    threshold: 1
    window: 1m
response: { status: 403, blockFor: 1m }
examples:
  positive: [{ name: p, events: [{ path: /aaa }] }]
  negative: [{ name: n, events: [{ path: /b }] }]
`;

describe("detect patterns that do not ship with Rampart run on a linear-time engine", () => {
  it("a custom rule with an exponential pattern cannot freeze the detector", () => {
    // On V8 this pattern needs about fib(60) steps for this path: it would never finish.
    const rule = parseDetectRule("custom/probe.yaml", customRule("^/(a|aa)+$"));
    const detector = new Detector([rule]);
    const started = performance.now();
    const alerts = detector.observe({ time: "2026-01-01T00:00:00Z", ip: "203.0.113.7", method: "GET", path: `/${"a".repeat(60)}!`, status: 404 });
    expect(performance.now() - started).toBeLessThan(200);
    expect(alerts).toEqual([]);
    // And it still matches what it should.
    expect(detector.observe({ time: "2026-01-01T00:00:01Z", ip: "203.0.113.8", method: "GET", path: "/aaaa", status: 404 }).map((a) => a.rule)).toEqual([
      "custom-probe",
    ]);
  });

  it("a custom pattern RE2 cannot run (a lookbehind) is a config error naming the file", () => {
    let error: unknown;
    try {
      parseDetectRule("custom/lookbehind.yaml", customRule("(?<=/admin)/x"));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).toMatch(/linear-time engine/);
    expect((error as ConfigError).describe()).toContain("custom/lookbehind.yaml");
  });

  it("the shipped rules load and keep their fast engine", () => {
    expect(loadDetectRules().length).toBeGreaterThan(5);
  });
});
