import { metrics, type Attributes, type Counter, type Histogram, type Meter, type ObservableResult, type UpDownCounter } from "@opentelemetry/api";
import { METER_NAME, METRICS } from "../telemetry/metric-names.js";
import type { Alert } from "./alert.js";

/** Per-request counts kept at most this many attribute sets apart (auth results and decisions are a few fixed values). */
const TALLY_CAP = 64;
const ALLOWED: Attributes = Object.freeze({ decision: "allow", reason: "none" });

/**
 * Counts per attribute set, read by an observable counter when the SDK collects. Counting a request is an
 * integer increment: `Counter.add` with attributes cost about 0.6 us per call with the OpenTelemetry SDK
 * registered, twice per request on the hot path. The exported series is the same monotonic sum.
 */
class Tally {
  private readonly counts = new Map<string, { attributes: Attributes; count: number }>();

  constructor(private readonly attributesOf: (key: string) => Attributes) {}

  add(key: string): void {
    const entry = this.counts.get(key);
    if (entry) {
      entry.count++;
      return;
    }
    // The keys come from fixed sets; the cap only guards against a caller passing free text.
    if (this.counts.size < TALLY_CAP) this.counts.set(key, { attributes: Object.freeze(this.attributesOf(key)), count: 1 });
  }

  report(result: ObservableResult): void {
    for (const { attributes, count } of this.counts.values()) result.observe(count, attributes);
  }
}

/**
 * Request counts of every detector that reports through one meter. The middleware, the node:http wrapper and
 * the Socket.IO guard each have their own detector; sharing the tallies keeps one observable per meter, so
 * their counts add up as synchronous counters' would, instead of competing for the same series.
 */
class RequestTallies {
  readonly authAttempts = new Tally((result) => ({ result }));
  readonly decisions = new Tally((key) => {
    const [decision, reason] = key.split("|");
    return { decision, reason };
  });
  /** The decision on almost every request, counted apart so the common case does no lookup at all. */
  allowed = 0;

  constructor(meter: Meter) {
    meter.createObservableCounter(METRICS.authAttempts, { description: "Authentication outcomes seen by the middleware" }).addCallback((result) => this.authAttempts.report(result));
    meter.createObservableCounter(METRICS.decisions, { description: "Allow or block decisions of the middleware" }).addCallback((result) => {
      if (this.allowed > 0) result.observe(this.allowed, ALLOWED);
      this.decisions.report(result);
    });
  }
}

const talliesByMeter = new WeakMap<Meter, RequestTallies>();

function talliesFor(meter: Meter): RequestTallies {
  let tallies = talliesByMeter.get(meter);
  if (!tallies) {
    tallies = new RequestTallies(meter);
    talliesByMeter.set(meter, tallies);
  }
  return tallies;
}

/**
 * The detector's OpenTelemetry instruments. Attribute values are always from small fixed sets (rule ids,
 * severities, outcomes); addresses, keys, principals and tenants never are.
 */
export class DetectTelemetry {
  private readonly detections: Counter;
  private readonly tallies: RequestTallies;
  private readonly blocksActive: UpDownCounter;
  private readonly evictions: Counter;
  private readonly errors: Counter;
  private readonly duration: Histogram;
  private degraded = 0;
  private sizes: () => Record<string, number> = () => ({});
  private storeName = "memory";

  constructor(meter: Meter = metrics.getMeter(METER_NAME)) {
    this.detections = meter.createCounter(METRICS.detections, { description: "Detector rule firings" });
    this.tallies = talliesFor(meter);
    this.blocksActive = meter.createUpDownCounter(METRICS.blocksActive, { description: "Subjects currently blocked" });
    this.evictions = meter.createCounter(METRICS.stateEvictions, { description: "Detector state entries dropped to bound memory" });
    this.errors = meter.createCounter(METRICS.detectorErrors, { description: "Detector errors absorbed so the request could proceed" });
    this.duration = meter.createHistogram(METRICS.checkDuration, { description: "Time the middleware spends looking up blocks before a request proceeds", unit: "s" });
    meter.createObservableGauge(METRICS.stateEntries, { description: "Entries held in detector state" }).addCallback((result) => {
      for (const [table, size] of Object.entries(this.sizes())) result.observe(size, { table });
    });
    meter.createObservableGauge(METRICS.storeDegraded, { description: "1 while the shared store is unreachable" }).addCallback((result) => {
      result.observe(this.degraded, { store: this.storeName });
    });
  }

  watchState(sizes: () => Record<string, number>, store: string): void {
    this.sizes = sizes;
    this.storeName = store;
  }

  detection(alert: Alert): void {
    const subjectType = alert.subject.principal ? "principal" : alert.subject.ip ? "ip" : "tenant";
    const attributes: Attributes = { rule: alert.rule, severity: alert.severity, mode: alert.mode, outcome: alert.action, subject_type: subjectType };
    this.detections.add(1, attributes);
    if (alert.action === "block") this.blocksActive.add(1, { subject_type: subjectType, store: this.storeName });
  }

  blockExpired(subjectType: string): void {
    this.blocksActive.add(-1, { subject_type: subjectType, store: this.storeName });
  }

  auth(result: string | undefined): void {
    if (result) this.tallies.authAttempts.add(result);
  }

  /** The common decision: nothing blocked the request. */
  allow(): void {
    this.tallies.allowed++;
  }

  decision(decision: "allow" | "block", reason: string): void {
    if (decision === "allow" && reason === "none") this.tallies.allowed++;
    else this.tallies.decisions.add(`${decision}|${reason}`);
  }

  evicted(table: string, count: number): void {
    if (count > 0) this.evictions.add(count, { table, reason: "capacity" });
  }

  error(component: string): void {
    this.errors.add(1, { component });
  }

  checkSeconds(seconds: number): void {
    this.duration.record(seconds);
  }

  setDegraded(degraded: boolean): void {
    this.degraded = degraded ? 1 : 0;
  }
}
