import { Writable } from "node:stream";
import { pino, type Logger } from "pino";

/** A real pino logger whose records land in an array, so tests read what operators would see. */
export function capturingLogger(): { logger: Logger; records: Array<Record<string, unknown>> } {
  const records: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) records.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), records };
}

export function alertsIn(records: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return records.filter((r) => r.event === "rampart.detection");
}

export async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
