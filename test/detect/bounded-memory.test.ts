import { describe, expect, it } from "vitest";
import { Detector } from "../../src/detect/detector.js";
import type { AccessEvent } from "../../src/detect/event.js";
import { loadDetectRules } from "../../src/detect/rule.js";

const start = Date.parse("2026-01-01T00:00:00Z");
const at = (ms: number) => new Date(start + ms).toISOString();

describe("bounded detector state", () => {
  it("stays within its caps under address spraying, and the sprayer cannot evict an attacker's counter", () => {
    const detector = new Detector(loadDetectRules(), { maxSubjects: 1000 });
    const attacker = (i: number): AccessEvent => ({ time: at(i * 1000), ip: "45.0.0.1", method: "GET", path: "/api/agents", status: 401, auth: "invalid" });
    for (let i = 0; i < 5; i++) detector.observe(attacker(i));
    // 50 000 one-shot addresses failing auth within the same minutes.
    for (let n = 0; n < 50_000; n++) {
      detector.observe({ time: at(5000 + n), ip: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`, method: "GET", path: `/p${n}`, status: 401, auth: "invalid" });
    }
    for (const size of Object.values(detector.stateSizes())) expect(size).toBeLessThanOrEqual(1000);
    const alerts = [5, 6, 7, 8, 9].flatMap((i) => detector.observe(attacker(55 + i)));
    expect(alerts.map((a) => `${a.rule} ${a.subject.ip}`)).toContain("brute-force 45.0.0.1");
  });

  it("escalates block times for repeat offenders (doubling, capped)", () => {
    const detector = new Detector(loadDetectRules(), { mode: "enforce", maxBlock: "30m" });
    const seconds: number[] = [];
    for (let round = 0; round < 4; round++) {
      const alerts = detector.observe({ time: at(round * 3_600_000), ip: "45.0.0.9", method: "GET", path: "/.env", status: 404 });
      seconds.push(alerts.find((a) => a.rule === "path-scan")!.blockSeconds!);
    }
    expect(seconds).toEqual([300, 600, 1200, 1800]);
  });
});
