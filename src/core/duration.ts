import { ConfigError, UsageError } from "./errors.js";

/**
 * The one duration syntax (`250ms`, `10s`, `5m`, `48h`, `1.5d`) for rule files, config files, library options
 * and CLI flags. JSON schemas of config and rule files use the pattern; code reads values with `parseDuration`.
 */
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;
export const DURATION_PATTERN = DURATION.source;
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `10s`, `48h`, `1.5d` → milliseconds; undefined when the text is not a duration. */
export function durationMs(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  return m ? Number(m[1]) * UNITS[m[2]!]! : undefined;
}

export interface DurationContext {
  /** The file (or options object) the value came from; without it the value is a CLI flag's. */
  file?: string;
  /** Zero is refused (an SLA, a refresh period). */
  positive?: boolean;
}

/**
 * Reads a duration named `name` (a flag such as `--sla`, or a field such as `blockFor`). Bad input is a
 * ConfigError naming the file when `file` is given, else a UsageError; both say how to write one.
 */
export function parseDuration(text: string, name: string, context: DurationContext = {}): number {
  const ms = durationMs(text);
  if (ms !== undefined && (ms > 0 || !context.positive)) return ms;
  const what = context.positive && ms === 0 ? "a duration above zero" : "a duration";
  const message = `${name} takes ${what} like 30s, 10m, 48h or 1.5d (units ms, s, m, h, d), not "${text}"`;
  if (context.file !== undefined) throw new ConfigError(message, { file: context.file });
  throw new UsageError(message);
}
