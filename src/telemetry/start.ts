import { type Meter, metrics } from "@opentelemetry/api";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { type IMetricReader, MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { RampartError } from "../core/errors.js";
import { METER_NAME } from "./metric-names.js";

export interface TelemetryOptions {
  /** Serve `/metrics` for Prometheus to scrape. Default host 127.0.0.1: exposing it wider is a deliberate choice. */
  prometheus?: { port?: number; host?: string };
  /**
   * Push over OTLP/HTTP. `true` uses the standard OTEL_EXPORTER_OTLP_* variables (endpoint, headers);
   * an object overrides the URL and the push interval.
   */
  otlp?: boolean | { url?: string; intervalMs?: number };
  serviceName?: string;
}

export interface Telemetry {
  /** The meter Rampart's instruments use; pass it as `meter` to the middleware, or rely on the global. */
  meter: Meter;
  /** Where Prometheus scrapes, when the exporter is on. */
  prometheusUrl?: string;
  /** Export what has been recorded now (one-shot CLI runs call this before exit). */
  forceFlush(): Promise<void>;
  /** Flush and stop; the global meter provider is released so telemetry can be started again. */
  shutdown(): Promise<void>;
}

const DEFAULT_PROMETHEUS_PORT = 9464;
let running = false;

/**
 * Starts an OpenTelemetry metrics pipeline (sdk-metrics alone: no tracing, no logs, none of the Node SDK's
 * gRPC exporters) and registers it as the global meter provider, which `rampart/express` and the CLI record through.
 */
export async function startTelemetry(options: TelemetryOptions = {}): Promise<Telemetry> {
  if (running) throw new RampartError("telemetry is already started in this process; call shutdown() on it first");
  const readers: IMetricReader[] = [];
  const prometheus = options.prometheus ? await prometheusReader(options.prometheus) : undefined;
  if (prometheus) readers.push(prometheus.reader);
  if (options.otlp) readers.push(otlpReader(options.otlp === true ? {} : options.otlp));
  if (readers.length === 0) throw new RampartError("startTelemetry needs { prometheus } or { otlp }; with neither there is nowhere to send metrics");
  const provider = new MeterProvider({ resource: resourceFromAttributes({ "service.name": options.serviceName ?? "rampart" }), readers });
  metrics.setGlobalMeterProvider(provider);
  running = true;
  return {
    meter: metrics.getMeter(METER_NAME),
    ...(prometheus ? { prometheusUrl: prometheus.url } : {}),
    forceFlush: async () => void (await Promise.all(readers.map((r) => r.forceFlush()))),
    shutdown: async () => {
      await provider.shutdown();
      metrics.disable();
      running = false;
    },
  };
}

async function prometheusReader(o: { port?: number; host?: string }): Promise<{ reader: PrometheusExporter; url: string }> {
  const host = o.host ?? "127.0.0.1";
  const reader = new PrometheusExporter({ port: o.port ?? DEFAULT_PROMETHEUS_PORT, host, preventServerStart: true });
  try {
    await reader.startServer();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RampartError(
      `cannot serve metrics on ${host}:${o.port ?? DEFAULT_PROMETHEUS_PORT} (${code ?? String(error)}); pick another port with --port, or stop what is using it`,
    );
  }
  return { reader, url: `http://${host.includes(":") ? `[${host}]` : host}:${o.port ?? DEFAULT_PROMETHEUS_PORT}/metrics` };
}

function otlpReader(o: { url?: string; intervalMs?: number }): IMetricReader {
  const exporter = new OTLPMetricExporter(o.url ? { url: o.url } : {});
  return new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: o.intervalMs ?? 60_000 });
}

/**
 * For one-shot CLI runs: starts an OTLP pipeline, lets `record` create and fill instruments, pushes once and
 * shuts down, so nothing is lost when the process exits right after.
 */
export async function pushMetricsOnce(serviceName: string, record: (meter: Meter) => void): Promise<void> {
  const telemetry = await startTelemetry({ otlp: { intervalMs: 3_600_000 }, serviceName });
  try {
    record(telemetry.meter);
  } finally {
    await telemetry.shutdown(); // shutting down collects and exports once more: the push this run exists for
  }
}
