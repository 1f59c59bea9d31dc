import { pino, type Logger } from "pino";
import type { Meter } from "@opentelemetry/api";
import { alertRecord, type Alert } from "./alert.js";
import { clientAddressResolver, type ClientAddressInput, type TrustProxy } from "./client-ip.js";
import { Detector, subjectKey, type Block, type DetectorOptions } from "./detector.js";
import type { AccessEvent } from "./event.js";
import { loadDetectRules, type DetectRule } from "./rule.js";
import type { DetectStore } from "./store.js";
import type { AlertSink } from "./sinks/webhook-sink.js";
import { DetectTelemetry } from "./telemetry.js";

export interface GuardOptions extends DetectorOptions {
  /** Rules to run; default the built-in rules/detect/*.yaml. */
  rules?: DetectorOptions["rules"];
  ruleSet?: DetectRule[];
  trustProxy?: TrustProxy;
  /** pino logger for alerts and the detector's own errors. Default: pino to stdout, name rampart. */
  logger?: Logger;
  /**
   * Where metrics go. Default: the global meter as it is when the middleware is created (the OpenTelemetry API
   * does not rebind instruments made earlier), so start the SDK first or pass a meter.
   */
  meter?: Meter;
  /** Shared state. Default: memory. `{ redis: "redis://host:6379" }` shares counters and blocks. */
  store?: { redis: string; prefix?: string; timeoutMs?: number } | DetectStore;
  /** Called with each alert after it is logged. */
  onAlert?: (alert: Alert) => void;
  /** Where alerts go besides the log, e.g. `[webhookSink({ url, format: "slack" })]`; delivery never blocks a request. */
  sinks?: AlertSink[];
}

const STORE_RETRY_MS = 2000;

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
  private store: DetectStore | undefined;
  private readonly pending = new Set<Promise<void>>();
  private storeDown = false;
  /** While the store is down, the next time a request tries it again. */
  private retryAt = 0;
  private lastEvictions: Record<string, number> = {};
  private lastEvictionTotal = 0;

  constructor(private readonly options: GuardOptions = {}) {
    this.logger = options.logger ?? pino({ name: "rampart" });
    this.telemetry = new DetectTelemetry(options.meter);
    this.detector = new Detector(options.ruleSet ?? loadDetectRules(), options);
    this.clientAddress = clientAddressResolver(options.trustProxy ?? false);
    this.telemetry.watchState(() => this.detector.stateSizes(), options.store ? "redis" : "memory");
  }

  /** Plugs in the shared store (created asynchronously by the adapters). */
  useStore(store: DetectStore, options: { connected?: boolean } = {}): void {
    this.store = store;
    // Until the store is connected, count locally: no request waits on a connection.
    if (options.connected === false) {
      this.storeDown = true;
      this.retryAt = Date.now() + STORE_RETRY_MS;
      this.telemetry.setDegraded(true);
    }
  }

  /** Local block first; the shared store second (bounded by its own timeout). Never rejects. */
  async blocked(probe: Probe, now = Date.now()): Promise<Block | undefined> {
    try {
      if (this.detector.isAllowed(probe)) return undefined;
      const local = this.detector.blockFor(probe, now);
      if (local || !this.store || this.storeDown) return local;
      const keys = (["ip", "principal", "tenant"] as const).map((t) => subjectKey(t, probe)).filter((k): k is string => Boolean(k));
      const shared = await this.store.getBlock(keys, now);
      if (shared) this.detector.rememberBlock(shared.subject, shared);
      return shared;
    } catch (error) {
      this.fail("store", error);
      return undefined;
    }
  }

  /** Feeds a finished request. Returns at once; shared-store work runs in the background. */
  record(event: AccessEvent, at = Date.parse(event.time)): void {
    try {
      this.telemetry.auth(event.auth);
      const store = this.store;
      if (!store || (this.storeDown && !this.retryDue())) {
        for (const alert of this.detector.observe(event, at)) this.report(alert);
        this.reportEvictions();
        return;
      }
      this.track(this.recordShared(event, store, at));
    } catch (error) {
      this.fail("detector", error);
    }
  }

  /** While the store is down, one request every couple of seconds tries it again. */
  private retryDue(): boolean {
    if (Date.now() < this.retryAt) return false;
    this.retryAt = Date.now() + STORE_RETRY_MS;
    return true;
  }

  private async recordShared(event: AccessEvent, store: DetectStore, at: number): Promise<void> {
    const hits = this.detector.plan(event, at);
    try {
      const counted = await Promise.all(hits.map((hit) => store.count(hit)));
      this.markStore(true);
      hits.forEach((hit, i) => {
        const alert = this.detector.decide(hit, counted[i]!);
        if (alert) this.report(alert);
      });
    } catch (error) {
      // The store is down: count these hits locally so nothing is lost, and keep serving.
      this.markStore(false, error);
      for (const hit of hits) {
        const counted = this.detector.countLocally(hit);
        const alert = counted && this.detector.decide(hit, counted);
        if (alert) this.report(alert);
      }
    }
    // Baselines are per instance (each sees its share of a principal's traffic against its own average).
    for (const alert of this.detector.observeBaselines(event, at)) this.report(alert);
  }

  private report(alert: Alert): void {
    try {
      this.logger.warn(alertRecord(alert), `rampart detection: ${alert.rule}`);
      this.telemetry.detection(alert);
      if (alert.action === "block" && this.store && !this.storeDown) {
        const key = blockKeyOf(alert);
        const block = this.detector.blockFor({ ip: "", ...alert.subject }, Date.parse(alert.lastSeen));
        if (key && block) this.track(this.store.setBlock(key, block, Date.parse(alert.lastSeen)).catch((e: unknown) => this.markStore(false, e)));
      }
      for (const sink of this.options.sinks ?? []) sink.push(alert);
      this.options.onAlert?.(alert);
    } catch (error) {
      this.fail("report", error);
    }
  }

  fail(component: string, error: unknown): void {
    try {
      this.telemetry.error(component);
      this.logger.error({ component, error: error instanceof Error ? error.message : String(error) }, "rampart detector error (request proceeds)");
    } catch {
      // Logging itself failed; there is nothing safer left to do than carry on.
    }
  }

  private markStore(up: boolean, error?: unknown): void {
    if (!up) this.retryAt = Date.now() + STORE_RETRY_MS;
    if (up === !this.storeDown) return;
    this.storeDown = !up;
    this.telemetry.setDegraded(!up);
    if (up) this.logger.info({ store: this.store?.name }, "rampart shared store connected; shared counting on");
    else this.fail("store", error);
  }

  /** Called by the store when it reconnects. */
  storeRecovered(): void {
    this.markStore(true);
  }

  storeFailed(error: unknown): void {
    this.markStore(false, error);
  }

  get hasStore(): boolean {
    return this.store !== undefined;
  }

  get degraded(): boolean {
    return this.storeDown;
  }

  private reportEvictions(): void {
    // Runs after every event; the per-table breakdown is only built when something was evicted.
    const total = this.detector.evictionTotal();
    if (total === this.lastEvictionTotal) return;
    this.lastEvictionTotal = total;
    const now = this.detector.evictions();
    for (const [table, count] of Object.entries(now)) this.telemetry.evicted(table, count - (this.lastEvictions[table] ?? 0));
    this.lastEvictions = now;
  }

  private track(work: Promise<void>): void {
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
    await this.store?.close().catch(() => undefined);
  }
}

function blockKeyOf(alert: Alert): string | undefined {
  if (alert.subject.ip) return subjectKey("ip", { ip: alert.subject.ip });
  if (alert.subject.principal) return subjectKey("principal", { ip: "", principal: alert.subject.principal });
  return alert.subject.tenant ? subjectKey("tenant", { ip: "", tenant: alert.subject.tenant }) : undefined;
}
