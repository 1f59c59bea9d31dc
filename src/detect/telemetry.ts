import { metrics, type Attributes, type Counter, type Histogram, type Meter, type UpDownCounter } from "@opentelemetry/api";
import { METER_NAME, METRICS } from "../telemetry/metric-names.js";
import type { Alert } from "./alert.js";
import { remembered } from "./bounded-memo.js";

/**
 * Per-request attribute sets come from a few fixed values (auth results, decisions): each is built once
 * instead of an object per request. The cap is only a guard.
 */
const AUTH_ATTRIBUTES = new Map<string, Attributes>();
const DECISION_ATTRIBUTES = new Map<string, Attributes>();
const ATTRIBUTE_SETS_CAP = 64;
const authAttributes = (result: string): Attributes => Object.freeze({ result });
const decisionAttributes = (key: string): Attributes => {
  const [decision, reason] = key.split("|");
  return Object.freeze({ decision, reason });
};
/** The decision on almost every request. */
const ALLOWED: Attributes = Object.freeze({ decision: "allow", reason: "none" });

/**
 * The detector's OpenTelemetry instruments. Attribute values are always from small fixed sets (rule ids,
 * severities, outcomes); addresses, keys, principals and tenants never are.
 */
export class DetectTelemetry {
  private readonly detections: Counter;
  private readonly authAttempts: Counter;
  private readonly decisions: Counter;
  private readonly blocksActive: UpDownCounter;
  private readonly evictions: Counter;
  private readonly errors: Counter;
  private readonly duration: Histogram;
  private degraded = 0;
  private sizes: () => Record<string, number> = () => ({});
  private storeName = "memory";

  constructor(meter: Meter = metrics.getMeter(METER_NAME)) {
    this.detections = meter.createCounter(METRICS.detections, { description: "Detector rule firings" });
    this.authAttempts = meter.createCounter(METRICS.authAttempts, { description: "Authentication outcomes seen by the middleware" });
    this.decisions = meter.createCounter(METRICS.decisions, { description: "Allow or block decisions of the middleware" });
    this.blocksActive = meter.createUpDownCounter(METRICS.blocksActive, { description: "Subjects currently blocked" });
    this.evictions = meter.createCounter(METRICS.stateEvictions, { description: "Detector state entries dropped to bound memory" });
    this.errors = meter.createCounter(METRICS.detectorErrors, { description: "Detector errors absorbed so the request could proceed" });
    this.duration = meter.createHistogram(METRICS.checkDuration, { description: "Time the middleware adds to a request", unit: "s" });
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
    if (result) this.authAttempts.add(1, remembered(AUTH_ATTRIBUTES, result, ATTRIBUTE_SETS_CAP, authAttributes));
  }

  decision(decision: "allow" | "block", reason: string): void {
    const attributes = decision === "allow" && reason === "none" ? ALLOWED : remembered(DECISION_ATTRIBUTES, `${decision}|${reason}`, ATTRIBUTE_SETS_CAP, decisionAttributes);
    this.decisions.add(1, attributes);
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
