import type { Meter } from "@opentelemetry/api";
import { type Logger, pino } from "pino";
import { type Alert, alertRecord } from "./alert.js";
import { recordedErrorText, redactionLoaded, redactionReady } from "./alert-redaction.js";
import { type ClientAddressInput, clientAddressResolver, type ForwardedHeader, type TrustProxy } from "./client-ip.js";
import { type Block, Detector, type DetectorOptions } from "./detector.js";
import type { AccessEvent } from "./event.js";
import { createStore } from "./redis-store.js";
import { type DetectRule, loadDetectRules } from "./rule.js";
import { SharedState } from "./shared-state.js";
import type { AlertSink } from "./sinks/webhook-sink.js";
import type { StoreOption } from "./store-options.js";
import { DetectTelemetry } from "./telemetry.js";

export interface GuardOptions extends DetectorOptions {
  /** Rules to run; default the built-in rules/detect/*.yaml. */
  rules?: DetectorOptions["rules"];
  ruleSet?: DetectRule[];
  trustProxy?: TrustProxy;
  /**
   * The header trusted proxies write the client chain into: `x-forwarded-for` (the default) or RFC 7239
   * `forwarded`. The other one is never read, so a client cannot smuggle an address through it.
   */
  forwardedHeader?: ForwardedHeader;
  /** pino logger for alerts and the detector's own errors. Default: pino to stdout, name rampart. */
  logger?: Logger;
  /**
   * Where metrics go. Default: the global meter as it is when the middleware is created (the OpenTelemetry API
   * does not rebind instruments made earlier), so start the SDK first or pass a meter.
   */
  meter?: Meter;
  /**
   * Shared state. Default: memory. `{ redis: "redis://host:6379" }` (or `rediss://`, `{ cluster: [urls] }`,
   * `{ sentinels: ["host:port"], name }`, an ioredis client) shares counters and blocks; a custom store
   * needs `count`, `setBlock` and `close`. Checked when the guard is created: a bad option throws then.
   */
  store?: StoreOption;
  /** Called with each alert after it is logged. */
  onAlert?: (alert: Alert) => void;
  /** Where alerts go besides the log, e.g. `[webhookSink({ url, format: "slack" })]`; delivery never blocks a request. */
  sinks?: AlertSink[];
}

/** Records held while the redaction loads; beyond this they are written with the fallback redaction. */
const MAX_HELD = 1024;

export interface Probe {
  ip: string;
  principal?: string;
  tenant?: string;
}

/**
 * The part every adapter (Express, node:http, Socket.IO) shares: picks the client address, checks
 * blocks, feeds events to the detector and reports. Nothing here throws to the caller.
 */
export class Guard {
  readonly detector: Detector;
  readonly logger: Logger;
  readonly telemetry: DetectTelemetry;
  readonly clientAddress: (input: ClientAddressInput) => string;
  /** Counting and blocks shared with other instances, when a store is configured. */
  private readonly shared: SharedState | undefined;
  private readonly pending = new Set<Promise<void>>();
  private lastEvictions: Record<string, number> = {};
  private lastEvictionTotal = 0;
  /** Records waiting for the redaction to load (whenRedactable). */
  private held = 0;

  constructor(private readonly options: GuardOptions = {}) {
    this.logger = options.logger ?? pino({ name: "rampart" });
    this.telemetry = new DetectTelemetry(options.meter);
    this.detector = new Detector(options.ruleSet ?? loadDetectRules(), options);
    this.clientAddress = clientAddressResolver(options.trustProxy ?? false, options.forwardedHeader);
    const store = createStore(options.store);
    this.telemetry.watchState(() => this.detector.stateSizes(), store?.name ?? "memory");
    this.shared = store && new SharedState(store, this);
    this.shared?.start();
  }

  /** The active block for a probe, from memory (shared blocks are pushed into it by the store). Never throws. */
  blocked(probe: Probe, now = Date.now()): Block | undefined {
    try {
      return this.detector.isAllowed(probe) ? undefined : this.detector.blockFor(probe, now);
    } catch (error) {
      this.fail("detector", error);
      return undefined;
    }
  }

  /** Feeds a finished request. Returns at once; shared-store work runs in the background. */
  record(event: AccessEvent, at = Date.parse(event.time)): void {
    this.observe(event, at);
    this.reportEvictions();
  }

  /**
   * Feeds a batch of finished requests (`times[i]` is when `events[i]` finished). The eviction counters are
   * compared once for the batch, not after every event: the totals reported are the same.
   */
  recordAll(events: readonly AccessEvent[], times: readonly number[]): void {
    for (let i = 0; i < events.length; i++) this.observe(events[i]!, times[i]!);
    this.reportEvictions();
  }

  private observe(event: AccessEvent, at: number): void {
    try {
      this.telemetry.auth(event.auth);
      if (this.shared) this.shared.record(event, at);
      else {
        // Almost always empty; an indexed loop creates no iterator per event.
        const alerts = this.detector.observe(event, at);
        for (let i = 0; i < alerts.length; i++) this.report(alerts[i]!);
      }
    } catch (error) {
      this.fail("detector", error);
    }
  }

  report(alert: Alert): void {
    try {
      this.telemetry.detection(alert);
      this.shareBlocks(alert);
    } catch (error) {
      this.fail("report", error);
    }
    this.whenRedactable(() => this.deliver(alert));
  }

  /** Logs the alert and hands it to the sinks and the app's hook. */
  private deliver(alert: Alert): void {
    try {
      this.logger.warn(alertRecord(alert), `rampart detection: ${alert.rule}`);
      for (const sink of this.options.sinks ?? []) sink.push(alert);
      this.options.onAlert?.(alert);
    } catch (error) {
      this.fail("report", error);
    }
  }

  /**
   * Runs `write` once the scanner's redaction is loaded (at once when it is): it is loaded on the first report,
   * not at start-up (see alert-redaction.ts), and no record leaves with the fallback while it loads. Bounded: past
   * MAX_HELD waiting records, they are written at once with the fallback redaction.
   */
  private whenRedactable(write: () => void): void {
    if (redactionLoaded() || this.held >= MAX_HELD) return write();
    this.held++;
    this.track(
      redactionReady().then(() => {
        this.held--;
        write();
      }),
    );
  }

  /** Hands the blocks an alert made to the shared store (when there is one). */
  shareBlocks(alert: Alert): void {
    if (alert.action !== "block" || !this.shared) return;
    const now = Date.parse(alert.lastSeen);
    for (const key of alert.blocked ?? []) {
      const block = this.detector.heldBlock(key, now);
      if (block) this.shared.shareBlock(key, block, now);
    }
  }

  fail(component: string, error: unknown): void {
    try {
      this.telemetry.error(component);
      this.whenRedactable(() => this.logError(component, error));
    } catch {
      // Logging itself failed; there is nothing safer left to do than carry on.
    }
  }

  private logError(component: string, error: unknown): void {
    try {
      this.logger.error({ component, error: recordedErrorText(error) }, "rampart detector error (request proceeds)");
    } catch {
      // Logging itself failed; there is nothing safer left to do than carry on.
    }
  }

  get hasStore(): boolean {
    return this.shared !== undefined;
  }

  /** True while a configured store is unreachable (or not yet connected) and counting is local. */
  get degraded(): boolean {
    return this.shared?.degraded ?? false;
  }

  private reportEvictions(): void {
    try {
      // Runs after every event or batch; the per-table breakdown is only built when something was evicted.
      const total = this.detector.evictionTotal();
      if (total === this.lastEvictionTotal) return;
      this.lastEvictionTotal = total;
      const now = this.detector.evictions();
      for (const [table, count] of Object.entries(now)) this.telemetry.evicted(table, count - (this.lastEvictions[table] ?? 0));
      this.lastEvictions = now;
    } catch (error) {
      this.fail("detector", error);
    }
  }

  track(work: Promise<void>): void {
    const tracked = work.catch((e: unknown) => this.fail("detector", e)).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** Resolves when background work (shared counting, sinks) has settled: for tests and shutdown. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  async close(): Promise<void> {
    this.telemetry.detach();
    await this.idle();
    await Promise.all((this.options.sinks ?? []).map((s) => s.close().catch(() => undefined)));
    await this.shared?.close().catch(() => undefined);
  }
}
