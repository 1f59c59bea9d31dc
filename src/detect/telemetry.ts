import { type Attributes, type Counter, type Histogram, type Meter, metrics, type ObservableResult, type UpDownCounter } from "@opentelemetry/api";
import { METER_NAME, METRICS } from "../telemetry/metric-names.js";
import type { Alert } from "./alert.js";

/** Per-request counts kept at most this many attribute sets apart (auth results and decisions are a few fixed values). */
const TALLY_CAP = 64;
/** The decision on almost every request, as a constant key (no string built per request). */
const ALLOWED = "allow|none";

/**
 * Counts per attribute set, read by an observable counter when the SDK collects. Counting a request is an
 * integer increment: `Counter.add` with attributes cost about 0.6 us per call with the OpenTelemetry SDK
 * registered, twice per request on the hot path. The exported series is the same monotonic sum.
 */
class Tally {
  private readonly counts = new Map<string, { attributes: Attributes; count: number }>();

  private lastKey: string | undefined;
  private lastEntry: { count: number } | undefined;

  constructor(private readonly attributesOf: (key: string) => Attributes) {}

  add(key: string): void {
    // Most requests repeat the last outcome: no lookup then.
    if (key === this.lastKey && this.lastEntry) {
      this.lastEntry.count++;
      return;
    }
    const entry = this.counts.get(key);
    if (entry) {
      this.lastKey = key;
      this.lastEntry = entry;
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

/** What one detector reports through the shared observables. */
interface ObservedDetector {
  sizes(): Record<string, number>;
  readonly degraded: number;
  readonly storeName: string;
}

/**
 * The observable instruments of every detector that reports through one meter. The middleware, the node:http
 * wrapper and the Socket.IO guard each have their own detector; one set of observables per meter makes their
 * counts and state sizes add up, as synchronous instruments' would, instead of competing for the same series.
 */
class SharedObservables {
  readonly authAttempts = new Tally((result) => ({ result }));
  readonly decisions = new Tally((key) => {
    const [decision, reason] = key.split("|");
    return { decision, reason };
  });
  readonly detectors = new Set<ObservedDetector>();

  constructor(meter: Meter) {
    meter
      .createObservableCounter(METRICS.authAttempts, { description: "Authentication outcomes seen by the middleware" })
      .addCallback((result) => this.authAttempts.report(result));
    meter
      .createObservableCounter(METRICS.decisions, { description: "Allow or block decisions of the middleware" })
      .addCallback((result) => this.decisions.report(result));
    meter.createObservableGauge(METRICS.stateEntries, { description: "Entries held in detector state" }).addCallback((result) => {
      for (const [table, size] of sumByKey([...this.detectors].map((d) => d.sizes()))) result.observe(size, { table });
    });
    meter.createObservableGauge(METRICS.storeDegraded, { description: "1 while the shared store is unreachable" }).addCallback((result) => {
      // Per store kind: degraded while any detector using that kind is.
      const byStore = new Map<string, number>();
      for (const d of this.detectors) byStore.set(d.storeName, Math.max(byStore.get(d.storeName) ?? 0, d.degraded));
      for (const [store, degraded] of byStore) result.observe(degraded, { store });
    });
  }
}

function sumByKey(records: Array<Record<string, number>>): Map<string, number> {
  const sums = new Map<string, number>();
  for (const record of records) for (const [key, value] of Object.entries(record)) sums.set(key, (sums.get(key) ?? 0) + value);
  return sums;
}

const observablesByMeter = new WeakMap<Meter, SharedObservables>();

function observablesFor(meter: Meter): SharedObservables {
  let shared = observablesByMeter.get(meter);
  if (!shared) {
    shared = new SharedObservables(meter);
    observablesByMeter.set(meter, shared);
  }
  return shared;
}

/**
 * The detector's OpenTelemetry instruments. Attribute values are always from small fixed sets (rule ids,
 * severities, outcomes); addresses, keys, principals and tenants never are.
 */
export class DetectTelemetry {
  private readonly detections: Counter;
  private readonly observables: SharedObservables;
  private readonly blocksActive: UpDownCounter;
  private readonly evictions: Counter;
  private readonly errors: Counter;
  private readonly duration: Histogram;
  // Read by the shared state gauges (ObservedDetector).
  degraded = 0;
  sizes: () => Record<string, number> = () => ({});
  storeName = "memory";

  constructor(meter: Meter = metrics.getMeter(METER_NAME)) {
    this.detections = meter.createCounter(METRICS.detections, { description: "Detector rule firings" });
    this.observables = observablesFor(meter);
    this.observables.detectors.add(this);
    this.blocksActive = meter.createUpDownCounter(METRICS.blocksActive, { description: "Subjects currently blocked" });
    this.evictions = meter.createCounter(METRICS.stateEvictions, { description: "Detector state entries dropped to bound memory" });
    this.errors = meter.createCounter(METRICS.detectorErrors, { description: "Detector errors absorbed so the request could proceed" });
    this.duration = meter.createHistogram(METRICS.checkDuration, {
      description: "Time the middleware spends looking up blocks before a request proceeds",
      unit: "s",
    });
  }

  /** Stops reporting this detector's state (its counts so far stay in the totals). */
  detach(): void {
    this.observables.detectors.delete(this);
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
    if (result) this.observables.authAttempts.add(result);
  }

  /** The common decision: nothing blocked the request. */
  allow(): void {
    this.observables.decisions.add(ALLOWED);
  }

  decision(decision: "allow" | "block", reason: string): void {
    this.observables.decisions.add(`${decision}|${reason}`);
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
