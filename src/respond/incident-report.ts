import { redactRecordData, redactSecretsInText } from "../scan/redact-text.js";
import { type IncidentState, nextStep, timings } from "./incident.js";
import type { JournalEntry } from "./journal.js";

/**
 * The post-incident report as data: what happened when, and how long containment and resolution took. Entries
 * are redacted when written; the report is redacted again, for journals written before a rule existed.
 */
export function incidentReport(state: IncidentState) {
  return redactRecordData({
    id: state.id,
    title: state.title,
    playbook: state.playbook.id,
    openedAt: state.openedAt,
    closedAt: state.closedAt ?? null,
    ...timings(state),
    timeline: state.entries.map((e) => ({ time: e.time, event: describe(e, state) })),
    skipped: state.playbook.steps.filter((s) => state.steps.get(s.id)?.status === "skip").map((s) => s.id),
    pending: state.playbook.steps.filter((s) => !state.steps.has(s.id)).map((s) => s.id),
  });
}

export function incidentReportMarkdown(state: IncidentState): string {
  const r = incidentReport(state);
  const lines = [
    `# ${r.id}: ${r.title}`,
    "",
    `Playbook: \`${r.playbook}\`. Opened ${r.openedAt}${r.closedAt ? `, closed ${r.closedAt}` : ", still open"}.`,
    "",
    `- Time to contain: ${r.timeToContainMinutes === undefined ? "not contained yet" : `${r.timeToContainMinutes} min`}`,
    `- Time to resolve: ${r.timeToResolveMinutes === undefined ? "not resolved yet" : `${r.timeToResolveMinutes} min`}`,
    ...(r.skipped.length > 0 ? [`- Skipped steps: ${r.skipped.join(", ")}`] : []),
    ...(r.pending.length > 0 ? [`- Steps not done: ${r.pending.join(", ")}`] : []),
    "",
    "## Timeline (UTC)",
    "",
    "| time | event |",
    "|---|---|",
    ...r.timeline.map((t) => `| ${t.time} | ${t.event.replace(/\|/g, "\\|").replace(/\n/g, " ")} |`),
    "",
  ];
  return lines.join("\n");
}

export function incidentStatusText(state: IncidentState, now = new Date()): string {
  const elapsed = Math.round((now.getTime() - Date.parse(state.openedAt)) / 60_000);
  const next = nextStep(state);
  const owner = next ? state.playbook.roles.find((r) => r.id === next.owner) : undefined;
  const lines = [`${state.id}: ${state.title} (${state.playbook.id})`, state.closedAt ? `closed at ${state.closedAt}` : `open for ${elapsed} min`];
  lines.push(...state.playbook.steps.map((s) => `  [${mark(state, s.id)}] ${s.id}  ${s.title} (${s.owner})`));
  if (!state.closedAt)
    lines.push(
      next
        ? `next: ${next.id} — ${next.title} — owner: ${next.owner}${owner ? ` (${owner.description})` : ""}${next.run ? `\n  run: ${next.run}` : ""}`
        : "next: every step is recorded; close it with rampart incident close",
    );
  return redactSecretsInText(`${lines.join("\n")}\n`);
}

function mark(state: IncidentState, step: string): string {
  const s = state.steps.get(step)?.status;
  return s === "done" ? "x" : s === "skip" ? "-" : " ";
}

function describe(e: JournalEntry, state: IncidentState): string {
  if (e.type === "opened") return `opened with playbook ${state.playbook.id}`;
  if (e.type === "step") return `step ${String(e.data.step)} ${e.data.status === "done" ? "done" : "skipped"}${e.data.note ? `: ${String(e.data.note)}` : ""}`;
  if (e.type === "note") return `note: ${String(e.data.text)}`;
  if (e.type === "closed") return `closed${e.data.note ? `: ${String(e.data.note)}` : ""}`;
  return e.type;
}
