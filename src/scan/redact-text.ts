import { redactKnownSecrets } from "../core/redact.js";
import { isCredentialShaped } from "./credential-shape.js";
import { unescapedLevels } from "./escaped-text.js";
import { FileContext } from "./file-context.js";
import { loadAllSecretRules } from "./registry.js";
import type { ScanRule } from "./rule.js";
import { Scanner } from "./scanner.js";

/**
 * The process's redaction scanner, built on first use: redaction runs on hot paths (middleware events,
 * journals), so its rules and keyword index are compiled once, not per record.
 */
let redactionScanner: Scanner | undefined;

/**
 * 64 or more hex digits in a row, with or without 0x: an EVM or raw ed25519 private key in prose ("the deployer
 * key was 0x…") has no name in front of it for the scanner's rules to anchor on. A transaction hash or a digest
 * looks the same and is redacted too; its first and last characters stay visible to recognise it. Redaction
 * only: as a scan rule it would flag every lockfile digest. Linear: each run is read once.
 */
const HEX_KEY = /(?<![0-9A-Fa-f])(?:0x)?[0-9A-Fa-f]{64,}(?![0-9A-Za-z])/g;

/**
 * The one redaction for every record Rampart writes (journals, reports, attestations, alerts, webhook payloads,
 * error messages, replay output). It runs every secret rule of the scanner over the text (file globs ignored:
 * a record is no file), plus the prose pattern above, and replaces every occurrence of each secret found with
 * its redacted form. Rules are skipped when none of their keywords is in the text, as in a scan, except the
 * self-filtered ones (seed phrases, base58 and hex keys), which need no keyword: a bare seed phrase in a note has
 * no "mnemonic" next to it. Never throws: a failing rule just finds nothing.
 */
export function redactSecretsInText(text: string): string {
  if (text.length === 0) return text;
  return redactKnownSecrets(text, secretsInText(text));
}

/** Every secret any rule recognises in `text`, as it appears there. */
export function secretsInText(text: string): string[] {
  redactionScanner ??= new Scanner(loadAllSecretRules());
  const scanner = redactionScanner;
  const secrets: string[] = [];
  const lower = text.toLowerCase();
  const runnable = runnableRules(scanner, text);
  collect(runnable, text, text, secrets);
  // Seed phrases typed with capitals: the wordlist is lower case. Same length means the same offsets.
  if (lower !== text && lower.length === text.length)
    collect(
      runnable.filter((r) => r.meta.selfFiltered),
      lower,
      text,
      secrets,
    );
  // Text copied out of JSON or a shell string (`key: \"value\"`, `\n` between lines): read it unescaped too,
  // and redact both the value and the escaped form it has in the record. Each level is read, not only the
  // last: Kotlin's `\"value\"` kept inside a YAML string is recognised one level down and lost two down.
  for (const unescaped of unescapedLevels(text)) collect(runnableRules(scanner, unescaped.text), unescaped.text, text, secrets, unescaped.origin);
  for (const m of text.matchAll(HEX_KEY)) secrets.push(m[0]);
  return secrets;
}

/** The scan's keyword prefilter (file globs ignored: a record is no file), plus the self-filtered rules. */
function runnableRules(scanner: Scanner, text: string): ScanRule[] {
  const present = scanner.keywordsPresent(text);
  return scanner.rules.filter((rule, i) => rule.meta.selfFiltered || present[i] === 1);
}

/** `origin` maps offsets in `scanned` to offsets in `original` when the two differ in length (unescaping). */
function collect(rules: ScanRule[], scanned: string, original: string, into: string[], origin?: number[]): void {
  const file = new FileContext({ path: "record.txt", text: scanned });
  for (const rule of rules) {
    try {
      for (const report of rule.check(file)) {
        if (origin) {
          if (report.secret !== undefined) into.push(report.secret);
          into.push(original.slice(origin[report.start], origin[report.end]));
          continue;
        }
        into.push(scanned === original && report.secret !== undefined ? report.secret : original.slice(report.start, report.end));
      }
    } catch {
      // A rule bug must not stop redaction by the others.
    }
  }
}

/** Every string anywhere in JSON-like data, object keys included, goes through the redaction. */
export function redactRecordData<T>(data: T): T {
  return redactValue(JSON.parse(JSON.stringify(data ?? null)) as unknown) as T;
}

function redactValue(value: unknown): unknown {
  if (typeof value === "string") return redactSecretsInText(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactSecretsInText(k), redactValue(v)]));
}

/**
 * Whether an identity (a principal or tenant an app built from request data) is, or holds, a credential: a
 * secret any rule recognises, or the shape of one (credential-shape.ts).
 */
export function looksLikeCredential(value: string): boolean {
  return isCredentialShaped(value) || secretsInText(value).length > 0;
}
