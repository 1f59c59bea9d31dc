import type { Severity } from "../core/severity.js";

// The alert's shape on its own, so alert-redaction.ts can name it without importing alert.ts, which imports it.

export type Action = "alert" | "block";

/** What a rule saw and what the detector did about it. */
export interface Alert {
  rule: string;
  title: string;
  severity: Severity;
  subject: { ip?: string; principal?: string; tenant?: string };
  /** Events (or distinct values) counted in the window when the rule fired. */
  count: number;
  /** The rule's window, e.g. `10m`. */
  window: string;
  firstSeen: string;
  lastSeen: string;
  action: Action;
  /** Seconds the subject is blocked for (enforce mode only). */
  blockSeconds?: number;
  /** Rules counting distinct sources: the sources seen (address, IPv6 by /64), newest first, at most ten. */
  sources?: string[];
  /** Rules counting distinct networks: the networks (IPv4 /24, IPv6 /64), newest first, at most ten. */
  networks?: string[];
  /** Enforce mode: the block keys set (`ip:…`, `p:…`, `pn:<principal>@<network>`), for shared stores and operators. */
  blocked?: string[];
  mode: "monitor" | "enforce";
}
