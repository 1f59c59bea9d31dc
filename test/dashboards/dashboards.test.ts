import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { METRIC_DOCS, prometheusName } from "../../src/telemetry/metric-catalog.js";
import { METRICS, type MetricKey } from "../../src/telemetry/metric-names.js";
import { repoRoot } from "../support/cli.js";
import { asPromQL, dashboardExpressions, RULES, ruleExpressions } from "./expressions.js";

function promtool(...args: string[]) {
  const result = spawnSync("promtool", args, { cwd: join(repoRoot, "dashboards"), encoding: "utf8" });
  if (result.error) throw new Error(`promtool is not installed (${result.error.message}); run .ci/setup, which installs the Debian prometheus package`);
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

/** The series the Prometheus exporter produces from our catalogue (histograms add `_bucket`, `_sum`, `_count`). */
function exportedNames(): Set<string> {
  const names = new Set<string>();
  for (const key of Object.keys(METRICS) as MetricKey[]) {
    const name = prometheusName(key);
    names.add(name);
    if (METRIC_DOCS[key].kind === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(`${name}${suffix}`);
  }
  return names;
}

describe("Prometheus rules", () => {
  it("pass promtool check rules", () => {
    const result = promtool("check", "rules", RULES);
    expect(result.out).toContain("SUCCESS: 3 rules found");
    expect(result.code).toBe(0);
  });

  it("fire when they should and stay quiet when they should not (promtool test rules)", () => {
    const result = promtool("test", "rules", "prometheus-rules.test.yaml");
    expect(result.out).toContain("SUCCESS");
    expect(result.code).toBe(0);
  });
});

describe("dashboard and rules use only metrics Rampart emits", () => {
  const expressions = [...dashboardExpressions(), ...ruleExpressions()];

  it("covers every panel the issue asks for", () => {
    const text = expressions.map((e) => e.expr).join("\n");
    for (const series of [
      "rampart_detections_total",
      "rampart_auth_attempts_total",
      "rampart_blocks_active",
      "rampart_decisions_total",
      "rampart_detector_errors_total",
      "rampart_store_degraded",
      "rampart_security_issues_opened",
      "rampart_security_issues_target",
    ]) {
      expect(text).toContain(series);
    }
  });

  it.each(expressions.map((e) => [e.where, e.expr]))("%s names real series", (_where, expr) => {
    const known = exportedNames();
    const used = asPromQL(expr).match(/\brampart_[a-z0-9_]+/g) ?? [];
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(known.has(name), name).toBe(true);
  });
});
