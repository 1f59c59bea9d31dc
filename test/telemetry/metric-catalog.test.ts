import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderMetricTable } from "../../src/telemetry/metric-catalog.js";
import { METRICS } from "../../src/telemetry/metric-names.js";

describe("the metric catalogue", () => {
  it("README's table is the one generated from src/telemetry (regenerate with renderMetricTable())", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const block = /<!-- metrics:start -->\n([\s\S]*?)\n<!-- metrics:end -->/.exec(readme)?.[1];
    expect(block).toBe(renderMetricTable());
  });

  it("names are unique and use Rampart's namespace", () => {
    const names = Object.values(METRICS);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^rampart\.[a-z0-9_.]+$/);
  });
});
