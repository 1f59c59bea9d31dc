import { parseDuration } from "../core/duration.js";
import type { Severity } from "../core/severity.js";
import type { Alert } from "./alert.js";
import { boundedKey, flatKey } from "./bounded-key.js";
import { remembered } from "./bounded-memo.js";
import { BoundedTable } from "./bounded-table.js";
import { CountMinSketch } from "./count-min-sketch.js";
import { type AccessEvent, AUTH_RESULTS, networkKey, normalizeIp, sourceKey } from "./event.js";
import { compileMatch, type EventPredicate } from "./match.js";
import { MemberWindow } from "./member-window.js";
import { objectIdsOf, pathShapeOf } from "./object-id.js";
import type { BaselineTrigger, BlockScope, DetectRule, DistinctField, SubjectType, ThresholdTrigger } from "./rule.js";
import { sourceList } from "./source-list.js";

export type Mode = "monitor" | "enforce";

export interface DetectorOptions {
  /** Default mode for every rule; `monitor` (the default) alerts only. */
  mode?: Mode;
  /** Per-rule overrides: mode, or `enabled: false` to turn the rule off. */
  rules?: Record<string, { mode?: Mode; enabled?: boolean }>;
  /** Sources (addresses or CIDRs), principals and tenants that are never alerted on nor blocked. */
  allow?: { ips?: string[]; principals?: string[]; tenants?: string[] };
  /** Exact subjects held per table before the sketch gate and eviction start. Default 50 000. */
  maxSubjects?: number;
  /** Longest block after escalation. Default 24h. */
  maxBlock?: string;
}

/** One countable observation of a threshold trigger: the unit a shared store counts atomically. */
export interface Hit {
  key: string;
  /** For distinct counting: the value counted once. */
  member?: string;
  at: number;
  windowMs: number;
  threshold: number;
  /** Distinct members kept per subject (default: the threshold); pair-scoped rules keep more to tell new from known. */
  keep?: number;
  ruleIndex: number;
  triggerIndex: number;
  event: AccessEvent;
}

export interface Counted {
  count: number;
  firstSeen: number;
  /** Distinct counts: the members in the window, newest first (at most ten), for the alert to name. */
  members?: string[];
  /** Distinct counts: this hit's member was not in the window before. */
  fresh?: boolean;
}

interface CompiledTrigger {
  rule: DetectRule;
  ruleIndex: number;
  triggerIndex: number;
  trigger: ThresholdTrigger | BaselineTrigger;
  matches: EventPredicate;
  windowMs: number;
  severity: Severity;
  /** Subject value → this trigger's state key, built once (see triggerKey). */
  keys: Map<string, string>;
  /** Builds that key from a subject value (made once per trigger, so a lookup allocates nothing). */
  keyOf: (value: string) => string;
}

/**
 * A subject's count in its window: up to `threshold` most recent event times, or for distinct counts the
 * members in last-seen order. No wrapper object: a full table holds tens of thousands of these.
 */
type WindowState = number[] | MemberWindow;

/** The triggers an event with a given status and auth result can match at all. */
interface TriggerSet {
  threshold: CompiledTrigger[];
  baseline: CompiledTrigger[];
}

interface BaselineState {
  minute: number;
  count: number;
  mean: number;
  minutes: number;
  firedMinute: number;
}

export interface Block {
  until: number;
  status: 403 | 429;
  rule: string;
  /** What the block refuses (see BlockScope); absent means every request of the subject. */
  scope?: BlockScope;
}

const BASELINE_ALPHA = 0.1;
/** A pair-scoped count remembers this many times its threshold of members, so a busy key's usual networks stay known. */
const PAIR_KEEP_FACTOR = 8;
const BLOCK_SUBJECTS = ["ip", "principal", "tenant", "pair"] as const;
const NO_ALERTS: Alert[] = Object.freeze([]) as unknown as Alert[];
const DAY_MS = 86_400_000;

/**
 * The pure detector: fed access events in event-time order, it returns alerts and keeps blocks. It does
 * no I/O and reads no clock; the event's `time` is the clock, so replay and live traffic agree.
 */
export class Detector {
  private readonly triggers: CompiledTrigger[];
  /** Per (status, auth): most traffic is 200/ok, which most triggers can never match; they are not even tried. */
  private readonly triggerSets = new Map<number, TriggerSet>();
  private readonly windows: BoundedTable<WindowState>;
  private readonly baselines: BoundedTable<BaselineState>;
  private readonly cooldowns: BoundedTable<number>;
  private readonly blocks: BoundedTable<Block>;
  private readonly offences: BoundedTable<{ level: number; at: number }>;
  private readonly sketch = new CountMinSketch();
  private readonly allowIp: (ip: string) => boolean;
  private readonly maxBlockMs: number;
  private lastPredicate: EventPredicate | undefined;
  private lastEvent: AccessEvent | undefined;
  private lastVerdict = false;

  constructor(
    readonly rules: readonly DetectRule[],
    private readonly options: DetectorOptions = {},
  ) {
    const cap = options.maxSubjects ?? 50_000;
    // Triggers with the same match block (token-sharing's two, brute-force's keyless two) share one predicate,
    // so an event is judged once for both (see matchOnce).
    const predicates = new Map<string, EventPredicate>();
    const predicateOf = (match: ThresholdTrigger["match"]) => {
      const spec = JSON.stringify(match);
      const known = predicates.get(spec);
      if (known) return known;
      const predicate = compileMatch(match);
      predicates.set(spec, predicate);
      return predicate;
    };
    this.triggers = rules.flatMap((rule, ruleIndex) =>
      options.rules?.[rule.id]?.enabled === false
        ? []
        : rule.triggers.map((trigger, triggerIndex) => ({
            rule,
            ruleIndex,
            triggerIndex,
            trigger,
            matches: predicateOf(trigger.match),
            windowMs: trigger.kind === "threshold" ? parseDuration(trigger.window, "window", { file: rule.file }) : 60_000,
            severity: trigger.severity ?? rule.severity,
            keys: new Map<string, string>(),
            keyOf: stateKeyBuilder(`${rule.id}#${triggerIndex}|`, trigger.subject),
          })),
    );
    this.windows = new BoundedTable(cap, (s) => (Array.isArray(s) ? s.length : s.size));
    this.baselines = new BoundedTable(cap, (s) => s.minutes);
    this.cooldowns = new BoundedTable(cap, () => 1);
    this.blocks = new BoundedTable(cap, (b) => b.until);
    this.offences = new BoundedTable(cap, (o) => o.level + 1);
    this.allowIp = sourceList(options.allow?.ips ?? [], "detect options allow.ips");
    this.maxBlockMs = parseDuration(options.maxBlock ?? "24h", "maxBlock", { file: "detect options" });
  }

  /** Feeds one event; returns the alerts it raised (do not modify the array). Uses only local state. */
  observe(event: AccessEvent, at = Date.parse(event.time)): readonly Alert[] {
    if (Number.isNaN(at) || this.isAllowed(event)) return NO_ALERTS;
    const set = this.triggersFor(event);
    // A verdict is only reused within one event's triggers (a caller may change an event and feed it again).
    this.lastEvent = undefined;
    let alerts: Alert[] | undefined;
    for (const t of set.threshold) {
      const hit = this.hitOf(t, event, at);
      const counted = hit && this.countLocally(hit);
      const alert = counted && this.decide(hit, counted);
      if (alert) {
        alerts ??= [];
        alerts.push(alert);
      }
    }
    // Almost every event raises nothing: share one empty result instead of allocating one per event.
    return this.baselineAlerts(set, event, at, alerts) ?? NO_ALERTS;
  }

  /** The threshold hits an event makes, without counting them: a shared store can count them instead. */
  plan(event: AccessEvent, at = Date.parse(event.time)): Hit[] {
    if (Number.isNaN(at) || this.isAllowed(event)) return [];
    const hits: Hit[] = [];
    this.lastEvent = undefined;
    for (const t of this.triggersFor(event).threshold) {
      const hit = this.hitOf(t, event, at);
      if (hit) hits.push(hit);
    }
    return hits;
  }

  private hitOf(t: CompiledTrigger, event: AccessEvent, at: number): Hit | undefined {
    if (!this.matchOnce(t.matches, event)) return undefined;
    const trigger = t.trigger as ThresholdTrigger;
    const key = triggerKey(t, event);
    if (!key) return undefined;
    const member = trigger.distinct ? distinctValue(trigger.distinct, event) : undefined;
    if (trigger.distinct && !member) return undefined;
    const hit: Hit = { key, at, windowMs: t.windowMs, threshold: trigger.threshold, ruleIndex: t.ruleIndex, triggerIndex: t.triggerIndex, event };
    if (member) hit.member = member;
    if (member && t.rule.response.scope === "pair") hit.keep = trigger.threshold * PAIR_KEEP_FACTOR;
    return hit;
  }

  /** A predicate's verdict on an event; the next trigger with the same predicate reuses it. */
  private matchOnce(predicate: EventPredicate, event: AccessEvent): boolean {
    if (predicate === this.lastPredicate && event === this.lastEvent) return this.lastVerdict;
    this.lastVerdict = predicate(event);
    this.lastPredicate = predicate;
    this.lastEvent = event;
    return this.lastVerdict;
  }

  private triggersFor(event: AccessEvent): TriggerSet {
    // A number, not a string built per event: status (0-999 from any app) times the few auth results, and
    // whether the event has a user agent, a body excerpt and a principal (triggers that need one are not tried).
    const has = (event.userAgent !== undefined ? 1 : 0) | (event.body !== undefined ? 2 : 0) | (event.principal ? 4 : 0);
    const key = (event.status * 16 + (event.auth === undefined ? 15 : AUTH_RESULTS.indexOf(event.auth) & 15)) * 8 + has;
    let set = this.triggerSets.get(key);
    if (set) return set;
    const possible = this.triggers.filter((t) => admits(t.trigger.match, event.status, event.auth, has));
    set = { threshold: possible.filter((t) => t.trigger.kind === "threshold"), baseline: possible.filter((t) => t.trigger.kind === "baseline") };
    // Statuses are numbers a client cannot choose freely (the app answers them), and auth results a fixed
    // set; still, keep the memo bounded.
    if (this.triggerSets.size < 4096) this.triggerSets.set(key, set);
    return set;
  }

  /** Counts a hit in memory. Returns undefined while the sketch has not yet admitted a new subject. */
  countLocally(hit: Hit): Counted | undefined {
    let state = this.windows.get(hit.key);
    if (!state) {
      let seed = 1;
      if (hit.threshold > 1 && this.windows.underPressure()) {
        // Under address spraying only subjects seen twice get an exact counter, starting at two. The
        // sketch's estimate is not used beyond that: collisions inflate it, and an inflated newcomer
        // must not outweigh (and so evict) a genuinely busy counter.
        if (this.sketch.add(hit.key, hit.at) < 2) return undefined;
        seed = 2;
      }
      if (hit.member !== undefined) state = new MemberWindow(this.namesMembers(hit));
      else {
        const times: number[] = [];
        for (let i = 1; i < Math.min(seed, hit.threshold); i++) times.push(hit.at);
        state = times;
      }
      this.windows.set(hit.key, state);
    }
    const since = hit.at - hit.windowMs;
    if (!Array.isArray(state)) return countMember(state, hit, since);
    const times = state;
    times.push(hit.at);
    while (times.length > 0 && times[0]! <= since) times.shift();
    if (times.length > hit.threshold) times.shift();
    return { count: times.length, firstSeen: times[0]! };
  }

  /** Whether alerts of the hit's trigger name its members (sources, networks), so names are worth keeping. */
  private namesMembers(hit: Hit): boolean {
    const distinct = (this.rules[hit.ruleIndex]?.triggers[hit.triggerIndex] as ThresholdTrigger | undefined)?.distinct;
    return distinct === "source" || distinct === "network";
  }

  /** Turns a counted hit into an alert (and a block in enforce mode) once the threshold is reached. */
  decide(hit: Hit, counted: Counted): Alert | undefined {
    if (counted.count < hit.threshold) return undefined;
    const t = this.triggers.find((c) => c.ruleIndex === hit.ruleIndex && c.triggerIndex === hit.triggerIndex)!;
    const alertKey = flatKey(t.rule.id, "|", hit.key.slice(hit.key.indexOf("|") + 1));
    const quietUntil = this.cooldowns.peek(alertKey);
    const pair = t.rule.response.scope === "pair";
    if (quietUntil !== undefined && hit.at < quietUntil) {
      // Still over the threshold after the alert: each network new to the principal is refused too, silently.
      if (pair && counted.fresh && this.modeOf(t) === "enforce") this.blockPair(t, hit.event, hit.at);
      return undefined;
    }
    // One alert per subject per window: the next one needs a fresh window's worth of evidence. A pair-scoped
    // count is kept, so the networks the principal already had stay known and only new ones are refused.
    this.cooldowns.set(alertKey, hit.at + t.windowMs);
    if (!pair) this.windows.delete(hit.key);
    const alert = this.raise(t, hit.event, counted.count, counted.firstSeen, hit.at, (t.trigger as ThresholdTrigger).window, counted.members);
    return withMembers(alert, (t.trigger as ThresholdTrigger).distinct, counted.members);
  }

  private modeOf(t: CompiledTrigger): Mode {
    return this.options.rules?.[t.rule.id]?.mode ?? this.options.mode ?? "monitor";
  }

  /** Blocks the principal from the event's network only; returns the block's subject key. */
  private blockPair(t: CompiledTrigger, event: AccessEvent, at: number): { key: string; ms: number } | undefined {
    const key = pairKey(event);
    if (!key) return undefined;
    const ms = this.escalate(key, at, parseDuration(t.rule.response.blockFor, "response.blockFor", { file: t.rule.file }));
    this.blocks.set(key, { until: at + ms, status: t.rule.response.status, rule: t.rule.id, scope: "pair" });
    return { key, ms };
  }

  private raise(t: CompiledTrigger, event: AccessEvent, count: number, first: number, at: number, window: string, members?: string[]): Alert {
    const mode = this.modeOf(t);
    const alert: Alert = {
      rule: t.rule.id,
      title: t.rule.title,
      severity: t.severity,
      subject: alertSubject(t.trigger.subject, event),
      count,
      window,
      firstSeen: new Date(first).toISOString(),
      lastSeen: new Date(at).toISOString(),
      action: "alert",
      mode,
    };
    if (mode !== "enforce") return alert;
    const scope = t.rule.response.scope ?? "subject";
    if (scope === "pair") {
      const pair = this.blockPair(t, event, at);
      return pair ? { ...alert, action: "block", blockSeconds: Math.round(pair.ms / 1000), blocked: [pair.key] } : alert;
    }
    // A server-wide count blocks the sources it names, never the server.
    const keys = t.trigger.subject === "server" ? (members ?? []).map((m) => `ip:${m}`) : [subjectKey(t.trigger.subject, event)!];
    if (keys.length === 0) return alert;
    let longest = 0;
    for (const key of keys) {
      const ms = this.escalate(key, at, parseDuration(t.rule.response.blockFor, "response.blockFor", { file: t.rule.file }));
      longest = Math.max(longest, ms);
      this.setBlock(key, { until: at + ms, status: t.rule.response.status, rule: t.rule.id, ...(scope === "auth" ? { scope } : {}) });
    }
    return { ...alert, action: "block", blockSeconds: Math.round(longest / 1000), blocked: keys };
  }

  /** A narrower block never replaces a whole-subject block that lasts as long. */
  private setBlock(key: string, block: Block): void {
    const held = this.blocks.peek(key);
    if (held && !held.scope && block.scope && held.until >= block.until) return;
    this.blocks.set(key, block);
  }

  /** Doubles the block for every repeat offence within a day (fail2ban's bantime.increment), capped. */
  escalate(subject: string, at: number, baseMs: number): number {
    const previous = this.offences.get(subject);
    const level = previous && at - previous.at < DAY_MS ? previous.level + 1 : 0;
    this.offences.set(subject, { level, at });
    return Math.min(baseMs * 2 ** level, this.maxBlockMs);
  }

  /** Records a block decided elsewhere (a shared store), so this instance enforces it too. */
  rememberBlock(subject: string, block: Block): void {
    this.blocks.set(subject, block);
  }

  /** The active block under one block key, if any. */
  heldBlock(key: string, now: number): Block | undefined {
    const block = this.blocks.peek(key);
    return block && block.until > now ? block : undefined;
  }

  /** True while any subject is blocked: the request path skips building a probe otherwise. */
  get hasBlocks(): boolean {
    return this.blocks.size > 0;
  }

  /** The active block for an event's source, principal, tenant or (principal, network) pair, with its subject key. */
  blockFor(event: Pick<AccessEvent, "ip" | "principal" | "tenant">, now: number): (Block & { subject: string }) | undefined {
    // The usual case, checked on every request: nobody is blocked.
    if (this.blocks.size === 0) return undefined;
    for (const type of BLOCK_SUBJECTS) {
      const key = type === "pair" ? pairKey(event) : subjectKey(type, event);
      if (!key) continue;
      const block = this.blocks.peek(key);
      if (!block) continue;
      if (block.until > now) return { ...block, subject: key };
      this.blocks.delete(key);
    }
    return undefined;
  }

  isAllowed(event: Pick<AccessEvent, "ip" | "principal" | "tenant">): boolean {
    const allow = this.options.allow;
    if (!allow) return false;
    if (event.principal && allow.principals?.includes(event.principal)) return true;
    if (event.tenant && allow.tenants?.includes(event.tenant)) return true;
    return this.allowIp(event.ip);
  }

  /** Runs only the baseline triggers (the shared-store path counts threshold hits elsewhere). */
  observeBaselines(event: AccessEvent, at = Date.parse(event.time)): Alert[] {
    if (Number.isNaN(at) || this.isAllowed(event)) return [];
    return this.baselineAlerts(this.triggersFor(event), event, at, undefined) ?? [];
  }

  /** Steps the event's baseline triggers, adding any alerts to `alerts` (created only when one is raised). */
  private baselineAlerts(set: TriggerSet, event: AccessEvent, at: number, alerts: Alert[] | undefined): Alert[] | undefined {
    for (const t of set.baseline) {
      const alert = this.baselineOf(t, event, at);
      if (alert) {
        alerts ??= [];
        alerts.push(alert);
      }
    }
    return alerts;
  }

  private baselineOf(t: CompiledTrigger, event: AccessEvent, at: number): Alert | undefined {
    if (!t.matches(event)) return undefined;
    const key = triggerKey(t, event);
    return key ? this.baselineStep(t, t.trigger as BaselineTrigger, key, event, at) : undefined;
  }

  private baselineStep(t: CompiledTrigger, trigger: BaselineTrigger, key: string, event: AccessEvent, at: number): Alert | undefined {
    const minute = Math.floor(at / 60_000);
    let s = this.baselines.get(key);
    if (!s) {
      s = { minute, count: 0, mean: 0, minutes: 0, firedMinute: -1 };
      this.baselines.set(key, s);
    }
    if (minute > s.minute) {
      // Fold the finished minute into the moving average; silent minutes in between count as zero.
      const gap = minute - s.minute;
      s.mean = s.minutes === 0 ? s.count : s.mean + BASELINE_ALPHA * (s.count - s.mean);
      s.mean *= (1 - BASELINE_ALPHA) ** Math.min(gap - 1, 1000);
      s.minutes += gap;
      s.minute = minute;
      s.count = 0;
    }
    s.count++;
    if (s.minutes < trigger.warmupMinutes || s.firedMinute === minute) return undefined;
    if (s.count < trigger.minPerMinute || s.count < trigger.factor * Math.max(s.mean, 1)) return undefined;
    s.firedMinute = minute;
    return this.raise(t, event, s.count, minute * 60_000, at, "1m");
  }

  /** Entries per table, for the state-size gauge. */
  stateSizes(): Record<string, number> {
    return {
      windows: this.windows.size,
      baselines: this.baselines.size,
      cooldowns: this.cooldowns.size,
      blocks: this.blocks.size,
      offences: this.offences.size,
    };
  }

  /** Sum of every table's evictions: a cheap "did anything change" check for the hot path. */
  evictionTotal(): number {
    return this.windows.evictions + this.baselines.evictions + this.cooldowns.evictions + this.blocks.evictions + this.offences.evictions;
  }

  evictions(): Record<string, number> {
    return {
      windows: this.windows.evictions,
      baselines: this.baselines.evictions,
      cooldowns: this.cooldowns.evictions,
      blocks: this.blocks.evictions,
      offences: this.offences.evictions,
    };
  }

  ruleOf(hit: Hit): DetectRule {
    return this.rules[hit.ruleIndex]!;
  }
}

function countMember(members: MemberWindow, hit: Hit, since: number): Counted {
  // Only as many members as the threshold needs are kept (more for pair scope): memory per subject stays bounded.
  const counted: Counted = members.see(hit.member!, hit.at, since, hit.keep ?? hit.threshold);
  // The alert names the members; listing them is only worth it when one may be raised.
  if (counted.count >= hit.threshold) counted.members = members.newest(since);
  return counted;
}

/** Names the distinct sources or networks an alert counted, newest first. */
function withMembers(alert: Alert, field: DistinctField | undefined, members: string[] | undefined): Alert {
  if (!members || members.length === 0) return alert;
  if (field === "source") return { ...alert, sources: members };
  if (field === "network") return { ...alert, networks: members };
  return alert;
}

/** The state and block key of a principal on one network (IPv4 /24, IPv6 /64). */
export function pairKey(event: Pick<AccessEvent, "ip" | "principal">): string | undefined {
  if (!event.principal || !event.ip) return undefined;
  return flatKey("pn:", boundedKey(event.principal), "@", networkKey(event.ip));
}

/**
 * Whether a trigger's status and auth filters let an event with these values through, and the event has the
 * user agent, body and principal the trigger needs (`has`: bits 1, 2, 4); the rest is checked per event.
 */
function admits(match: ThresholdTrigger["match"], status: number, auth: string | undefined, has: number): boolean {
  if (match.status && !match.status.includes(status)) return false;
  if (match.auth && (auth === undefined || !(match.auth as readonly string[]).includes(auth))) return false;
  if (match.userAgent && !(has & 1)) return false;
  if (match.body && !(has & 2)) return false;
  if (match.requirePrincipal && !(has & 4)) return false;
  return true;
}

/** Subject values remembered per trigger; cleared when full, so a spray of subjects costs concatenation, never memory. */
const KEY_CACHE_CAP = 1024;

/**
 * The state key of a trigger and an event's subject (`<rule>#<trigger>|p:<principal>`). A key built by
 * concatenation is a new string every event, and every table lookup then copies and hashes it again;
 * a remembered one is hashed once. The event's own subject value (the same string object for all of an
 * event's triggers) is what is looked up.
 */
function triggerKey(t: CompiledTrigger, event: AccessEvent): string | undefined {
  const value = subjectValue(t.trigger.subject, event);
  if (!value) return undefined;
  return remembered(t.keys, value, KEY_CACHE_CAP, t.keyOf);
}

function subjectValue(type: SubjectType, event: Pick<AccessEvent, "ip" | "principal" | "tenant">): string | undefined {
  if (type === "server") return "*";
  if (type === "ip") return event.ip || undefined;
  return type === "principal" ? event.principal : event.tenant;
}

export function subjectKey(type: SubjectType, event: Pick<AccessEvent, "ip" | "principal" | "tenant">): string | undefined {
  const value = subjectValue(type, event);
  return value ? subjectKeyOf(type, value) : undefined;
}

/** Builds a trigger's state keys as flat strings (a long spray stores many keys; see flatKey). */
function stateKeyBuilder(prefix: string, type: SubjectType): (value: string) => string {
  return (value) => flatKey(prefix, subjectKeyOf(type, value));
}

function subjectKeyOf(type: SubjectType, value: string): string {
  if (type === "server") return "server";
  if (type === "ip") return flatKey("ip:", sourceKey(value));
  return flatKey(type === "principal" ? "p:" : "t:", boundedKey(value));
}

function alertSubject(type: SubjectType, event: AccessEvent): Alert["subject"] {
  if (type === "server") return {};
  if (type === "ip") return { ip: normalizeIp(event.ip) || event.ip };
  if (type === "principal") return { principal: event.principal!, ...(event.tenant ? { tenant: event.tenant } : {}) };
  return { tenant: event.tenant! };
}

function distinctValue(field: DistinctField, event: AccessEvent): string | undefined {
  switch (field) {
    case "path":
      return boundedKey(event.path.split("?")[0]!);
    case "shape":
      return boundedKey(pathShapeOf(event.path));
    case "principal":
      return event.principal && boundedKey(event.principal);
    case "tenant":
      return event.tenant && boundedKey(event.tenant);
    case "source":
      return sourceKey(event.ip);
    case "network":
      return networkKey(event.ip);
    case "object": {
      const object = event.object ?? objectIdsOf(event.path);
      return object && boundedKey(object);
    }
  }
}
