import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DURATION_PATTERN, parseDuration } from "../core/duration.js";
import { ConfigError } from "../core/errors.js";
import type { Severity } from "../core/severity.js";
import { parseYaml, schemaCheck } from "../core/yaml-document.js";
import type { AccessEvent, AuthResult } from "./event.js";
import { defaultRulesDir, PATTERN_FIELDS } from "./rule-files.js";
import { validatePattern } from "./safe-pattern.js";

/** Who a trigger counts per; `server` counts the whole server at once (a spray spread over many sources). */
export type SubjectType = "ip" | "principal" | "tenant" | "server";
/**
 * A value counted distinctly per subject: `source` is the address (IPv6 by its /64), `network` the
 * source's /24 or /64, `object` the object ids in the path (or the app's `object` field), `shape` the path
 * without its query and with generated ids (UUIDs, long hex) replaced (`/api/agents/:id/logs`).
 */
export type DistinctField = "path" | "shape" | "principal" | "source" | "network" | "tenant" | "object";
/**
 * What an enforce-mode block refuses: `subject` every request of the subject; `auth` only authentication
 * attempts and API calls (the static page that lets a person fix their key stays open); `pair` only the
 * principal from the networks that made the count cross the threshold.
 */
export type BlockScope = "subject" | "auth" | "pair";

/** Which events a trigger looks at; every listed condition must hold. */
export interface EventMatch {
  status?: number[];
  auth?: AuthResult[];
  methods?: string[];
  /** Regular expressions (case-insensitive) tried on the path and query as sent and decoded. */
  path?: string[];
  /** Regular expressions tried on the string values of the parsed request body (bounded excerpt). */
  body?: string[];
  userAgent?: string[];
  /**
   * The object's tenant (the app's `objectTenant` field, else a workspace named in the path, such as
   * `/workspaces/<id>`) differs from the event's tenant.
   */
  foreignTenant?: boolean;
  /** Sources (addresses, CIDRs, or `loopback` / `private`) left out, such as the server calling itself. */
  exceptSource?: string[];
  /** Principals matching one of these are left out (for example admins on admin routes). */
  exceptPrincipal?: string[];
  requirePrincipal?: boolean;
}

export interface ThresholdTrigger {
  kind: "threshold";
  match: EventMatch;
  subject: SubjectType;
  /** Count distinct values of this field instead of events. */
  distinct?: DistinctField;
  threshold: number;
  window: string;
  severity?: Severity;
}

/** A principal's requests per minute against its own moving average. */
export interface BaselineTrigger {
  kind: "baseline";
  match: EventMatch;
  subject: "principal" | "tenant";
  /** Fires when a minute has at least this many times the baseline... */
  factor: number;
  /** ...and at least this many requests (a quiet key going from 1 to 5 per minute is not a spike). */
  minPerMinute: number;
  /** Minutes of history needed before the baseline is trusted. */
  warmupMinutes: number;
  severity?: Severity;
}

export type Trigger = ThresholdTrigger | BaselineTrigger;

export interface ExampleEvent extends Partial<AccessEvent> {
  /** Offset from the example's start, e.g. `90s`; default: the previous event's offset. */
  at?: string;
}
export interface ExampleRepeat {
  repeat: number;
  every: string;
  at?: string;
  /** `{i}` in any string field is replaced by the repetition number, `{i/3}` by it divided by 3 (rounded down). */
  event: Partial<AccessEvent>;
}
export interface RuleExample {
  name: string;
  events: Array<ExampleEvent | ExampleRepeat>;
}

export interface DetectRule {
  id: string;
  title: string;
  severity: Severity;
  description: string;
  /** Anchor rules this one is modelled on (CrowdSec, fail2ban, AppSensor). */
  references: string[];
  triggers: Trigger[];
  /** Enforce-mode response while blocked. */
  response: { status: 403 | 429; blockFor: string; scope?: BlockScope };
  examples: { positive: RuleExample[]; negative: RuleExample[] };
  file: string;
}

const severity = { enum: ["info", "low", "medium", "high", "critical"] };
const duration = { type: "string", pattern: DURATION_PATTERN };
const strings = { type: "array", items: { type: "string" } };
const match = {
  type: "object",
  additionalProperties: false,
  properties: {
    status: { type: "array", items: { type: "integer" } },
    auth: { type: "array", items: { enum: ["ok", "missing", "invalid", "revoked", "expired", "forbidden"] } },
    methods: strings,
    path: strings,
    body: strings,
    userAgent: strings,
    foreignTenant: { type: "boolean" },
    exceptSource: strings,
    exceptPrincipal: strings,
    requirePrincipal: { type: "boolean" },
  },
};
const example = {
  type: "object",
  required: ["name", "events"],
  additionalProperties: false,
  properties: { name: { type: "string" }, events: { type: "array", minItems: 1, items: { type: "object" } } },
};
const ruleSchema = {
  type: "object",
  required: ["id", "title", "severity", "description", "triggers", "response", "examples"],
  additionalProperties: false,
  properties: {
    id: { type: "string", pattern: "^[a-z0-9]+(-[a-z0-9]+)*$" },
    title: { type: "string" },
    severity,
    description: { type: "string" },
    references: strings,
    triggers: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["kind", "match", "subject"],
        additionalProperties: false,
        properties: {
          kind: { enum: ["threshold", "baseline"] },
          match,
          subject: { enum: ["ip", "principal", "tenant", "server"] },
          distinct: { enum: ["path", "shape", "principal", "source", "network", "tenant", "object"] },
          threshold: { type: "integer", minimum: 1 },
          window: duration,
          factor: { type: "number", minimum: 1 },
          minPerMinute: { type: "integer", minimum: 1 },
          warmupMinutes: { type: "integer", minimum: 1 },
          severity,
        },
      },
    },
    response: {
      type: "object",
      required: ["status", "blockFor"],
      additionalProperties: false,
      properties: { status: { enum: [403, 429] }, blockFor: duration, scope: { enum: ["subject", "auth", "pair"] } },
    },
    examples: {
      type: "object",
      required: ["positive", "negative"],
      additionalProperties: false,
      properties: {
        positive: { type: "array", minItems: 1, items: example },
        negative: { type: "array", minItems: 1, items: example },
      },
    },
  },
};
const checkRule = schemaCheck(ruleSchema);

export function parseDetectRule(file: string, text: string): DetectRule {
  const { source, problems } = parseYaml(file, text);
  const all = source ? checkRule(source) : problems;
  if (all.length > 0 || !source) {
    const first = all[0]!;
    throw new ConfigError(`${first.message}; fix the rule file`, { file: first.file, line: first.line });
  }
  const value = source.value as Omit<DetectRule, "file">;
  const rule: DetectRule = { ...value, references: value.references ?? [], file };
  rule.triggers.forEach((t, i) => {
    const line = source.lineOf(`/triggers/${i}`);
    if (t.kind === "threshold" && (t.threshold === undefined || t.window === undefined)) {
      throw new ConfigError(`rule ${rule.id}: a threshold trigger needs threshold and window`, { file, line });
    }
    if (t.kind === "baseline" && (t.factor === undefined || t.minPerMinute === undefined || t.warmupMinutes === undefined)) {
      throw new ConfigError(`rule ${rule.id}: a baseline trigger needs factor, minPerMinute and warmupMinutes`, { file, line });
    }
    for (const field of PATTERN_FIELDS) for (const p of t.match[field] ?? []) compilePattern(p, file, line);
    if (t.subject === "server" && (t.kind !== "threshold" || t.distinct !== "source")) {
      throw new ConfigError(`rule ${rule.id}: a server-wide trigger must count distinct sources (distinct: source), so its alert can name them`, {
        file,
        line,
      });
    }
  });
  return rule;
}

export function compilePattern(pattern: string, file = "detect rule", line?: number): RegExp {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, "i");
  } catch {
    throw new ConfigError(`"${pattern}" is not a valid regular expression; fix the pattern`, { file, ...(line ? { line } : {}) });
  }
  // A pattern not shipped with Rampart will run on the linear-time engine: check it accepts the pattern now.
  validatePattern(pattern, file, line);
  return regex;
}

let cached: DetectRule[] | undefined;
/** The built-in rules in rules/detect/*.yaml (or another directory), sorted by file name. */
export function loadDetectRules(dir = defaultRulesDir()): DetectRule[] {
  const builtIn = dir === defaultRulesDir();
  if (builtIn && cached) return cached;
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const rules = files.map((f) => parseDetectRule(join(dir, f), readFileSync(join(dir, f), "utf8")));
  if (builtIn) cached = rules;
  return rules;
}

const EXAMPLE = { file: "detect rule example" };

/** Turns an example into timestamped events starting at `start`. */
export function expandExample(example: RuleExample, start = Date.parse("2026-01-01T00:00:00Z")): AccessEvent[] {
  const base: AccessEvent = { time: "", ip: "203.0.113.10", method: "GET", path: "/", status: 200 };
  const out: AccessEvent[] = [];
  let offset = 0;
  for (const item of example.events) {
    if ("repeat" in item) {
      if (item.at) offset = parseDuration(item.at, "at", EXAMPLE);
      const step = parseDuration(item.every, "every", EXAMPLE);
      for (let i = 0; i < item.repeat; i++) {
        out.push({ ...base, ...substitute(item.event, i), time: new Date(start + offset).toISOString() });
        offset += step;
      }
      continue;
    }
    const { at, ...fields } = item;
    if (at) offset = parseDuration(at, "at", EXAMPLE);
    out.push({ ...base, ...fields, time: new Date(start + offset).toISOString() });
  }
  return out;
}

function substitute(event: Partial<AccessEvent>, i: number): Partial<AccessEvent> {
  const out: Record<string, unknown> = {};
  const fill = (text: string) => text.replaceAll("{i}", String(i)).replace(/\{i\/([1-9][0-9]{0,3})\}/g, (_m, n: string) => String(Math.floor(i / Number(n))));
  for (const [k, v] of Object.entries(event)) out[k] = typeof v === "string" ? fill(v) : v;
  return out as Partial<AccessEvent>;
}
