import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { spawnCliAsync } from "../support/cli.js";
import { metricPoints, type OtlpReceiver, startOtlpReceiver } from "../support/otlp-receiver.js";
import { githubToken as token } from "../support/tokens.js";

let receiver: OtlpReceiver | undefined;
afterEach(async () => receiver?.close());

describe("rampart scan with OpenTelemetry on", () => {
  it("pushes the findings count by rule, severity and category, and never a path or a value", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rampart-scan-otlp-"));
    const secrets = [token(), token()];
    writeFileSync(join(dir, "a.ts"), `export const a = "${secrets[0]}";\nexport const b = "${secrets[1]}";\n`);
    receiver = await startOtlpReceiver();
    const result = await spawnCliAsync(["scan", ".", "--no-cache", "--format", "json"], {
      cwd: dir,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" },
    });
    expect(result.code).toBe(1);
    const findings = JSON.parse(result.stdout).findings as Array<{ ruleId: string; severity: string }>;
    // Counters are cumulative: the last point of each series holds its total.
    const points = [
      ...new Map(
        metricPoints(receiver.bodies)
          .filter((p) => p.name === "rampart.scan.findings")
          .map((p) => [JSON.stringify(p.attributes), p]),
      ).values(),
    ];
    expect(points.reduce((sum, p) => sum + p.value, 0)).toBe(findings.length);
    expect(points.map((p) => Object.keys(p.attributes).sort())).toEqual(points.map(() => ["category", "rule", "severity"]));
    const sent = JSON.stringify(receiver.bodies);
    for (const s of secrets) expect(sent).not.toContain(s);
    expect(sent).not.toContain("a.ts");
  }, 60_000);

  it("exports nothing unless asked", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rampart-scan-otlp-"));
    writeFileSync(join(dir, "a.ts"), `export const a = "${token()}";\n`);
    receiver = await startOtlpReceiver();
    await spawnCliAsync(["scan", ".", "--no-cache"], { cwd: dir, env: { OTEL_EXPORTER_OTLP_ENDPOINT: "", OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: "" } });
    expect(receiver.bodies).toEqual([]);
  }, 60_000);
});
