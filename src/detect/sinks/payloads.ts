import { alertRecord, subjectLabel, type Alert } from "../alert.js";

export type SinkFormat = "json" | "slack" | "discord";

const SEVERITY_COLOR: Record<Alert["severity"], number> = { info: 0x95a5a6, low: 0x3498db, medium: 0xf1c40f, high: 0xe67e22, critical: 0xe74c3c };

/** The body each receiver expects. `repeats` counts identical alerts folded into this one by de-duplication. */
export function webhookPayload(format: SinkFormat, alert: Alert, repeats: number): unknown {
  if (format === "slack") return slackPayload(alert, repeats);
  if (format === "discord") return discordPayload(alert, repeats);
  return { ...alertRecord(alert), repeats };
}

function headline(alert: Alert, repeats: number): string {
  const again = repeats > 0 ? ` (+${repeats} more like it)` : "";
  return `[${alert.severity.toUpperCase()}] ${alert.title}: ${subjectLabel(alert.subject)}, ${alert.count} in ${alert.window}, ${alert.action === "block" ? `blocked for ${alert.blockSeconds ?? 0}s` : "alert only"}${again}`;
}

/** Slack incoming webhook: `text` for notifications, blocks for the message itself. */
function slackPayload(alert: Alert, repeats: number): unknown {
  return {
    text: headline(alert, repeats),
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${escapeSlack(alert.title)}* (\`${alert.rule}\`, ${alert.severity})` } },
      { type: "section", fields: fields(alert).map(([k, v]) => ({ type: "mrkdwn", text: `*${k}*\n${escapeSlack(v)}` })) },
    ],
  };
}

/** Discord webhook: `content` plus one embed; mentions are disabled so an alert can never ping @everyone. */
function discordPayload(alert: Alert, repeats: number): unknown {
  return {
    content: headline(alert, repeats).slice(0, 2000),
    allowed_mentions: { parse: [] },
    embeds: [{ title: alert.title.slice(0, 256), description: `rule \`${alert.rule}\``, color: SEVERITY_COLOR[alert.severity], fields: fields(alert).map(([name, value]) => ({ name, value: value.slice(0, 1024), inline: true })), timestamp: alert.lastSeen }],
  };
}

function fields(alert: Alert): Array<[string, string]> {
  return [
    ["Subject", subjectLabel(alert.subject) || "unknown"],
    ["Count", `${alert.count} in ${alert.window}`],
    ["Action", alert.action === "block" ? `block ${alert.blockSeconds ?? 0}s` : "alert"],
    ["Seen", `${alert.firstSeen} .. ${alert.lastSeen}`],
  ];
}

function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
