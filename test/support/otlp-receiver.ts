import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A local OTLP/HTTP collector stand-in: keeps every `/v1/metrics` JSON body it receives. */
export interface OtlpReceiver {
  url: string;
  bodies: unknown[];
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      if (req.url === "/v1/metrics") bodies.push(JSON.parse(body));
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string };
}
interface OtlpPoint {
  attributes: OtlpAttribute[];
  asInt?: string | number;
  asDouble?: number;
}
interface OtlpMetric {
  name: string;
  gauge?: { dataPoints: OtlpPoint[] };
  sum?: { dataPoints: OtlpPoint[] };
}
interface OtlpBody {
  resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: OtlpMetric[] }> }>;
}

export interface MetricPoint {
  name: string;
  attributes: Record<string, string>;
  value: number;
}

/** Every gauge and sum data point in the received bodies (OTLP/JSON, `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`). */
export function metricPoints(bodies: unknown[]): MetricPoint[] {
  const metrics = (bodies as OtlpBody[]).flatMap((b) => b.resourceMetrics.flatMap((r) => r.scopeMetrics).flatMap((s) => s.metrics));
  return metrics.flatMap((m) =>
    [...(m.gauge?.dataPoints ?? []), ...(m.sum?.dataPoints ?? [])].map((p) => ({
      name: m.name,
      attributes: Object.fromEntries(p.attributes.map((a) => [a.key, a.value.stringValue ?? ""])),
      value: Number(p.asDouble ?? p.asInt),
    })),
  );
}
