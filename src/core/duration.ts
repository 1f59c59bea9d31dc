/** The one duration syntax (`250ms`, `10s`, `5m`, `48h`, `1.5d`), for JSON schemas of config files. */
export const DURATION_PATTERN = "^\\d+(\\.\\d+)?\\s*(ms|s|m|h|d)$";

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `10s`, `48h`, `1.5d` → milliseconds; undefined when the text is not a duration (callers word the error). */
export function durationMs(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(text.trim());
  return m ? Number(m[1]) * UNITS[m[2]!]! : undefined;
}
