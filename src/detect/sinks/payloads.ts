import { type Alert, recordOfRedacted, subjectLabel } from "../alert.js";
import { redactAlert } from "../alert-redaction.js";

export type SinkFormat = "json" | "slack" | "discord";

const SEVERITY_COLOR: Record<Alert["severity"], number> = { info: 0x95a5a6, low: 0x3498db, medium: 0xf1c40f, high: 0xe67e22, critical: 0xe74c3c };

/**
 * The body each receiver expects. `repeats` counts identical alerts folded into this one by de-duplication.
 * The alert is redacted first (credential-like identities become keyed labels); text for Slack and Discord is
 * escaped by their rules, so a principal like `<!channel>` or `[click](https://…)` arrives as plain text.
 */
export function webhookPayload(format: SinkFormat, alert: Alert, repeats: number): unknown {
  const redacted = redactAlert(alert);
  if (format === "slack") return slackPayload(redacted, repeats);
  if (format === "discord") return discordPayload(redacted, repeats);
  return { ...recordOfRedacted(redacted), repeats };
}

function headline(alert: Alert, repeats: number): string {
  const again = repeats > 0 ? ` (+${repeats} more like it)` : "";
  return `[${alert.severity.toUpperCase()}] ${alert.title}: ${subjectLabel(alert.subject)}, ${alert.count} in ${alert.window}, ${alert.action === "block" ? `blocked for ${alert.blockSeconds ?? 0}s` : "alert only"}${again}`;
}

/**
 * Slack incoming webhook: `text` for notifications (markdown off), blocks for the message itself. Request-made
 * values go in plain_text objects, which Slack never formats; `&`, `<` and `>` are escaped everywhere, since
 * Slack parses `<!channel>` and `<url|label>` in every text.
 */
function slackPayload(alert: Alert, repeats: number): unknown {
  return {
    text: escapeSlack(headline(alert, repeats)),
    mrkdwn: false,
    unfurl_links: false,
    unfurl_media: false,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${escapeSlack(alert.title)}* (\`${escapeSlack(alert.rule)}\`, ${alert.severity})` } },
      { type: "section", fields: fields(alert).map(([k, v]) => ({ type: "plain_text", text: escapeSlack(`${k}: ${v}`).slice(0, 2000), emoji: false })) },
    ],
  };
}

/** Discord webhook: `content` plus one embed; mentions are disabled and markdown escaped, so an alert can never ping @everyone or hide a link. */
function discordPayload(alert: Alert, repeats: number): unknown {
  return {
    content: escapeDiscord(headline(alert, repeats)).slice(0, 2000),
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: escapeDiscord(alert.title).slice(0, 256),
        description: `rule \`${alert.rule.replace(/`/g, "'")}\``,
        color: SEVERITY_COLOR[alert.severity],
        fields: fields(alert).map(([name, value]) => ({ name, value: escapeDiscord(value).slice(0, 1024), inline: true })),
        timestamp: alert.lastSeen,
      },
    ],
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

/** Slack's three control characters, as its formatting reference asks. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Discord markdown: every formatting character backslash-escaped (bold, italics, strike, code, spoilers,
 * quotes, headings, lists, masked links, `<@id>` mentions), and a zero-width space after `@` so `@everyone`
 * and `@here` stay text even where allowed_mentions is not honoured.
 */
export function escapeDiscord(text: string): string {
  return text.replace(/[\\*_~`|>#\-[\]()<]/g, "\\$&").replace(/@/g, "@\u200b");
}
