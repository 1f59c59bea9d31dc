import type { Telemetry, TelemetryOptions } from "./start.js";

/**
 * `startTelemetry` for the root entry: the OpenTelemetry SDK and its exporters load on the first call, so
 * `import("rampart")` stays light for the many users who never export metrics.
 */
export async function startTelemetry(options: TelemetryOptions = {}): Promise<Telemetry> {
  return (await import("./start.js")).startTelemetry(options);
}
