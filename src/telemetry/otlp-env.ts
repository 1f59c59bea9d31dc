/** True when the standard OTLP variables name an endpoint: CLI runs then export without `--otlp`. */
export function otlpConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT);
}

/** The OpenTelemetry SDK takes ~0.4 s to load, so commands load it only on the runs that export. */
export async function loadTelemetry(): Promise<typeof import("./start.js")> {
  return import("./start.js");
}
