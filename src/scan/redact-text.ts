import { redactKnownSecrets } from "../core/redact.js";
import { loadAllSecretRules } from "./registry.js";
import type { ScanRule } from "./rule.js";

let secretRules: ScanRule[] | undefined;

/**
 * Replaces every secret any secret rule recognises in free text with its redacted form. For journals, logs
 * and error messages that may quote user input. Never throws: a failing rule just finds nothing.
 */
export function redactSecretsInText(text: string): string {
  if (text.length === 0) return text;
  secretRules ??= loadAllSecretRules();
  const lower = text.toLowerCase();
  const file = { path: "text.txt", text };
  const secrets: string[] = [];
  for (const rule of secretRules) {
    const keywords = rule.meta.keywords;
    if (keywords && keywords.length > 0 && !keywords.some((k) => lower.includes(k.toLowerCase()))) continue;
    try {
      for (const report of rule.check(file)) secrets.push(report.secret ?? text.slice(report.start, report.end));
    } catch {
      // A rule bug must not stop redaction by the others.
    }
  }
  return redactKnownSecrets(text, secrets);
}
