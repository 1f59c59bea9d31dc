import { randomBytes } from "node:crypto";
import { keyedLabel } from "../core/redact.js";
import { isCredentialShaped } from "../scan/credential-shape.js";
import type { Alert } from "./alert-types.js";
import { remembered } from "./bounded-memo.js";

/**
 * What an alert may carry out of the process (pino records, webhooks, replay output). Identities come from the
 * request or the app's hooks, and an app that names the principal after the client's key id puts a raw token
 * there: a principal or tenant that looks like a credential becomes a keyed hash (`cred-<16 hex>`), and every
 * other string goes through the scanner's redaction.
 *
 * The key is `RAMPART_REDACTION_KEY` when set (give every instance and `detect replay` the same one, so their
 * labels match), else 32 random bytes per process: labels then group alerts within one process only.
 */
let key: string | Uint8Array | undefined;

/**
 * The scanner's rule set costs a few hundred milliseconds to import and several megabytes of heap, which
 * `rampart/express` users should not pay at start-up: it is loaded the first time something needs it (the first
 * alert or detector error a guard reports, `redactionReady()`), in the background. A guard holds its reports
 * until it is there (see Guard.whenRedactable), so every record it writes is fully redacted. Loading it at import,
 * as before, grew a busy server's young generation from 4 to 16 MB for the whole run (bench/detect-bench.js): the
 * bare route measured 8-13 % slower from that alone, with the middleware doing nothing per request.
 *
 * Before it is loaded, a direct caller (the public `alertRecord`) gets the fallback: a principal or tenant with
 * the shape of a credential gets its keyed label and any other passes as it is, as do the alert's other strings,
 * which come from the rule files and canonical addresses.
 */
type Redaction = typeof import("../scan/redact-text.js");
let redaction: Redaction | undefined;
let loading: Promise<void> | undefined;

function loadRedaction(): Promise<void> {
  loading ??= import("../scan/redact-text.js").then(
    (module) => {
      // The first call builds the rule set's matchers (about 100 ms here, over a second on a loaded machine): pay it
      // now, in the background, not on the event loop of a request.
      module.redactSecretsInText("brute-force from 203.0.113.9 principal key:0123456789abcdef path /api/agents");
      redaction = module;
    },
    () => undefined,
  );
  return loading;
}

/** Resolves once the full redaction is loaded (or failed to load), starting the load if nothing has yet. */
export function redactionReady(): Promise<void> {
  return loadRedaction();
}

/** True once the full redaction is there; starts loading it otherwise. */
export function redactionLoaded(): boolean {
  return loadedRedaction() !== undefined;
}

/** The full redaction if loaded; otherwise undefined, and the load is started. */
function loadedRedaction(): Redaction | undefined {
  if (!redaction) void loadRedaction();
  return redaction;
}
const labels = new Map<string, string>();
const MAX_LABELS = 4096;

export function useRedactionKey(value: string | undefined): void {
  key = value && value.length > 0 ? value : undefined;
  labels.clear();
}

function redactionKey(): string | Uint8Array {
  key ??= process.env.RAMPART_REDACTION_KEY || randomBytes(32);
  return key;
}

/** A principal, tenant or address as it may be recorded. Memoized: one subject fires many alerts. */
export function recordedIdentity(value: string): string {
  const loaded = loadedRedaction();
  if (!loaded) return isCredentialShaped(value) ? keyedLabel(value, redactionKey()) : value;
  return remembered(labels, value, MAX_LABELS, (v) => (loaded.looksLikeCredential(v) ? keyedLabel(v, redactionKey()) : loaded.redactSecretsInText(v)));
}

const redactText = (text: string) => loadedRedaction()?.redactSecretsInText(text) ?? text;

/**
 * An error raised by an app hook, a sink or a store, as it may be logged: such messages can quote what the
 * failing code held (a webhook URL with its token, a store URL with its password).
 */
export function recordedErrorText(error: unknown): string {
  return redactText(error instanceof Error ? error.message : String(error));
}

/** The alert as it may leave the process: subject identities labelled, every other string redacted. */
export function redactAlert(alert: Alert): Alert {
  const loaded = loadedRedaction();
  const { subject, ...rest } = alert;
  const recorded: Alert["subject"] = {};
  for (const [name, value] of Object.entries(subject) as Array<[keyof Alert["subject"], string | undefined]>) {
    if (typeof value === "string") recorded[name] = recordedIdentity(value);
  }
  const out: Alert = { ...(loaded ? loaded.redactRecordData(rest) : rest), subject: recorded };
  if (rest.blocked) out.blocked = rest.blocked.map(recordedBlockKey);
  return out;
}

/** `p:<principal>`, `t:<tenant>`, `pn:<principal>@<network>`: the identity part labelled like the subject. */
function recordedBlockKey(blockKey: string): string {
  const colon = blockKey.indexOf(":");
  const kind = blockKey.slice(0, colon);
  const value = blockKey.slice(colon + 1);
  if (kind === "p" || kind === "t") return `${kind}:${recordedIdentity(value)}`;
  const at = value.lastIndexOf("@");
  if (kind === "pn" && at > 0) return `pn:${recordedIdentity(value.slice(0, at))}@${redactText(value.slice(at + 1))}`;
  return redactText(blockKey);
}
