import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { Alert } from "./alert.js";
import { Detector, type DetectorOptions } from "./detector.js";
import type { AccessEvent } from "./event.js";
import { parseLogLine } from "./log-formats.js";
import { type DetectRule, loadDetectRules } from "./rule.js";

export interface ReplayProblem {
  file: string;
  line: number;
  message: string;
}

export interface ReplayResult {
  alerts: Alert[];
  events: number;
  skipped: number;
  /** The first few unreadable lines, to show the user where. */
  problems: ReplayProblem[];
  files: string[];
}

const MAX_PROBLEMS = 20;

/** Reads every file, orders all events by event time, and runs the rules over them. */
export async function replayFiles(files: string[], options: DetectorOptions & { ruleSet?: DetectRule[] } = {}): Promise<ReplayResult> {
  const events: Array<{ at: number; seq: number; event: AccessEvent }> = [];
  const problems: ReplayProblem[] = [];
  let skipped = 0;
  for (const file of files) {
    const lines = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
    let lineNo = 0;
    for await (const line of lines) {
      lineNo++;
      if (!line.trim()) continue;
      const event = parseLogLine(line);
      if (!event) {
        skipped++;
        if (problems.length < MAX_PROBLEMS) problems.push({ file, line: lineNo, message: "not an access event, pino-http record or combined log line" });
        continue;
      }
      events.push({ at: Date.parse(event.time), seq: events.length, event });
    }
  }
  // Logs from several instances interleave; the detector's clock is event time, so sort by it.
  events.sort((a, b) => a.at - b.at || a.seq - b.seq);
  return {
    alerts: replayEvents(
      events.map((e) => e.event),
      options,
    ),
    events: events.length,
    skipped,
    problems,
    files,
  };
}

export function replayEvents(events: Iterable<AccessEvent>, options: DetectorOptions & { ruleSet?: DetectRule[] } = {}): Alert[] {
  const detector = new Detector(options.ruleSet ?? loadDetectRules(), options);
  const alerts: Alert[] = [];
  for (const event of events) alerts.push(...detector.observe(event));
  return alerts;
}

export function formatReplayText(result: ReplayResult): string {
  const lines = [
    `replayed ${result.events} events from ${result.files.length} file(s); ${result.alerts.length} alert(s)` +
      (result.skipped ? `; ${result.skipped} unreadable line(s) skipped` : ""),
  ];
  const byRule = new Map<string, number>();
  for (const a of result.alerts) byRule.set(a.rule, (byRule.get(a.rule) ?? 0) + 1);
  for (const [rule, n] of [...byRule].sort()) lines.push(`  ${rule}: ${n}`);
  if (result.alerts.length) lines.push("");
  for (const a of result.alerts) {
    const named = [...(a.sources ? [`sources=${a.sources.join(",")}`] : []), ...(a.networks ? [`networks=${a.networks.join(",")}`] : [])];
    const who = [...Object.entries(a.subject).map(([k, v]) => `${k}=${v}`), ...named].join(" ") || "server-wide";
    lines.push(`${a.lastSeen}  ${a.severity.padEnd(8)} ${a.rule.padEnd(20)} ${who}  (${a.count} in ${a.window}, first ${a.firstSeen})`);
  }
  return lines.join("\n") + "\n";
}
