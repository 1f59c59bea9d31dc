import type { Logger } from "pino";
import type { Alert } from "./alert.js";
import { type Block, type Detector, type Hit, pairKey } from "./detector.js";
import type { AccessEvent } from "./event.js";
import type { DetectStore, SharedCount, StoreListener } from "./store.js";
import type { DetectTelemetry } from "./telemetry.js";

/** While the store is down, one counted event every this often tries it again. */
const RETRY_MS = 2000;
/** Hits counted locally during an outage, replayed into the store when it is back (oldest dropped beyond this). */
const BACKLOG_CAP = 10_000;
/** Backlog hits counted in the store per call while catching up. */
const REPLAY_CHUNK = 200;
/** Blocks made during an outage, shared when the store is back. */
const UNSHARED_CAP = 10_000;
/** Distinct (counter, member) pairs remembered to skip resending a repeat; cleared when full. */
const REPEAT_CAP = 50_000;
/**
 * A repeat of a distinct member (the same network for the same key, say) cannot raise the distinct count,
 * so it is sent again only after this fraction of the window, to keep its time in the window fresh.
 */
const REPEAT_REFRESH_FRACTION = 1 / 32;

/** What the shared state needs from its guard. */
export interface SharedStateHost {
  readonly detector: Detector;
  readonly logger: Logger;
  readonly telemetry: DetectTelemetry;
  report(alert: Alert): void;
  /** Shares the blocks an alert made, without reporting the alert. */
  shareBlocks(alert: Alert): void;
  track(work: Promise<void>): void;
}

type State = "starting" | "up" | "down";

/**
 * Counting and blocks shared through a store. Requests never wait on it: counting runs after the response
 * (batched per event-loop turn by the client), blocks arrive pushed by the store into the detector's local
 * table. While the store is unreachable every hit is counted locally and kept (bounded) to be counted in the
 * store once it is back, and blocks made meanwhile are shared then. Each state change is logged once.
 */
export class SharedState implements StoreListener {
  private state: State;
  private connectedOnce = false;
  private retryAt = 0;
  /** Counts outages: a call started before the latest one cannot prove the store is back. */
  private outages = 0;
  private readonly backlog: Hit[] = [];
  /** Hits kept for the catch-up whose store count answered after all (too late): not replayed. */
  private readonly countedInStore = new WeakSet<Hit>();
  private backlogDropped = 0;
  private readonly unshared = new Map<string, { block: Block; at: number }>();
  private readonly sent = new Map<string, number>();
  /** While down: asks the store again every RETRY_MS, so recovery does not wait for traffic. */
  private probe: NodeJS.Timeout | undefined;

  constructor(
    readonly store: DetectStore,
    private readonly host: SharedStateHost,
  ) {
    // A store that connects by itself starts out down: count locally until it says it is up.
    this.state = store.start ? "starting" : "up";
    this.connectedOnce = !store.start;
    host.telemetry.setDegraded(this.state !== "up");
  }

  start(): void {
    this.store.start?.(this);
  }

  get degraded(): boolean {
    return this.state !== "up";
  }

  /** Counts a finished request's hits: in the store when it is up (or a retry is due), locally otherwise. */
  record(event: AccessEvent, at: number): void {
    const detector = this.host.detector;
    const hits = detector.plan(event, at);
    if (hits.length > 0) {
      if (this.state === "up" || this.retryDue()) this.host.track(this.countShared(hits));
      else this.countLocally(hits);
    }
    // Baselines are per instance (each sees its share of a principal's traffic against its own average).
    for (const alert of detector.observeBaselines(event, at)) this.host.report(alert);
  }

  /** Shares a block this instance made; kept for later while the store is down. */
  shareBlock(subject: string, block: Block, at: number): void {
    if (this.state !== "up") return this.keepUnshared(subject, block, at);
    this.host.track(
      this.within(this.store.setBlock(subject, block, at)).catch((error: unknown) => {
        this.keepUnshared(subject, block, at);
        this.down(error);
      }),
    );
  }

  /**
   * Counts hits in the store. Each hit settles on its own: on a Redis Cluster one hit's master can be gone (a
   * failover) while the next hit's master counts it, and a hit the store counted is decided from that count,
   * never counted locally or replayed as well: a replay into a window the count has since emptied would count
   * it twice, and the alert its count reached would be lost. Only the hits without an answer fall back (counted
   * locally and kept; a replayed backlog hit was counted locally already and only goes back in the backlog).
   */
  private async countShared(hits: Hit[], replay = false): Promise<void> {
    const due = replay ? hits : hits.filter((hit) => this.worthSending(hit));
    if (due.length === 0) return;
    const outages = this.outages;
    const answers: Array<SharedCount | undefined> = new Array(due.length);
    let failure: unknown;
    let late = false;
    const failed = (error: unknown) => {
      failure ??= error;
    };
    const settled = due.map((hit, i) =>
      this.store.count(hit).then((counted) => {
        if (late) this.answeredLate(hit, counted);
        else answers[i] = counted;
      }, failed),
    );
    await this.within(Promise.all(settled)).catch(failed);
    late = true;
    const unanswered = due.filter((_, i) => answers[i] === undefined);
    if (unanswered.length > 0) this.down(failure);
    else if (outages === this.outages) this.up();
    for (const [i, hit] of due.entries()) {
      const counted = answers[i];
      if (counted) this.decideShared(hit, counted);
    }
    if (unanswered.length === 0) return;
    // Unreachable or too slow: these are counted locally so nothing is lost, and requests go on being served.
    if (replay) for (const hit of unanswered) this.keepForLater(hit);
    else this.countLocally(unanswered);
  }

  /**
   * A count that came after the timeout was counted in the store all the same: decide it (the local count made
   * meanwhile shares the alert cooldown, so one alert at most) and keep the catch-up from sending it again.
   */
  private answeredLate(hit: Hit, counted: SharedCount): void {
    this.countedInStore.add(hit);
    this.decideShared(hit, counted);
  }

  private decideShared(hit: Hit, counted: SharedCount): void {
    const alert = this.host.detector.decide(hit, counted);
    if (!alert) return this.shareSilentBlock(hit, counted);
    // Another instance raised this window's alert: enforce and share what this sighting blocks, silently.
    if (counted.alertedElsewhere) this.host.shareBlocks(alert);
    else this.host.report(alert);
  }

  /**
   * After its alert a kept (pair-scoped) count refuses each new member without alerting again; the block
   * that made is shared like any other.
   */
  private shareSilentBlock(hit: Hit, counted: SharedCount): void {
    if (hit.keep === undefined || !counted.fresh || counted.count < hit.threshold) return;
    const key = pairKey(hit.event);
    const block = key && this.host.detector.heldBlock(key, hit.at);
    if (key && block) this.shareBlock(key, block, hit.at);
  }

  /** Counts in memory while the store is away, and keeps each hit to count in the store once it is back. */
  private countLocally(hits: Hit[]): void {
    const detector = this.host.detector;
    for (const hit of hits) {
      const counted = detector.countLocally(hit);
      const alert = counted && detector.decide(hit, counted);
      if (alert) this.host.report(alert);
      this.keepForLater(hit);
    }
  }

  /** A repeat of a distinct member sent recently changes no count: skip the round trip. */
  private worthSending(hit: Hit): boolean {
    if (hit.member === undefined) return true;
    const id = `${hit.key}\u0000${hit.member}`;
    const last = this.sent.get(id);
    if (last !== undefined && hit.at >= last && hit.at - last < hit.windowMs * REPEAT_REFRESH_FRACTION) return false;
    if (this.sent.size >= REPEAT_CAP) this.sent.clear();
    this.sent.set(id, hit.at);
    return true;
  }

  private keepForLater(hit: Hit): void {
    if (this.backlog.length >= BACKLOG_CAP) {
      // Drop the oldest tenth at once: one splice per thousand hits, not a shift per hit.
      const dropped = this.backlog.splice(0, BACKLOG_CAP / 10).length;
      this.backlogDropped += dropped;
    }
    // A distinct member kept for later must be sent then even if it was sent just before the outage.
    if (hit.member !== undefined) this.sent.delete(`${hit.key}\u0000${hit.member}`);
    this.backlog.push(hit);
  }

  private keepUnshared(subject: string, block: Block, at: number): void {
    if (this.unshared.size >= UNSHARED_CAP && !this.unshared.has(subject)) this.unshared.delete(this.unshared.keys().next().value!);
    this.unshared.set(subject, { block, at });
  }

  /** Called by the store, and after a store call succeeds. */
  up(): void {
    if (this.state === "up") return;
    const first = !this.connectedOnce;
    this.state = "up";
    this.connectedOnce = true;
    clearInterval(this.probe);
    this.probe = undefined;
    this.host.telemetry.setDegraded(false);
    const backlog = this.backlog.splice(0).filter((hit) => !this.countedInStore.has(hit));
    const blocks = [...this.unshared];
    this.unshared.clear();
    this.host.logger.info(
      { store: this.store.name, replayedHits: backlog.length, droppedHits: this.backlogDropped, sharedBlocks: blocks.length },
      first ? "rampart shared store connected; shared counting on" : "rampart shared store recovered; shared counting on",
    );
    this.backlogDropped = 0;
    this.catchUp(backlog, blocks);
  }

  /** Counting done locally meanwhile goes to the store, blocks made meanwhile are shared, missed blocks are read. */
  private catchUp(backlog: Hit[], blocks: Array<[string, { block: Block; at: number }]>): void {
    const now = Date.now();
    for (const [subject, { block, at }] of blocks) if (block.until > now) this.shareBlock(subject, block, at);
    if (backlog.length > 0) this.host.track(this.replay(backlog));
    if (this.store.resync) this.host.track(this.within(this.store.resync()).catch((error: unknown) => this.down(error)));
  }

  /** The backlog in chunks (each within the store's timeout); what is left when the store fails again waits for the next recovery. */
  private async replay(backlog: Hit[]): Promise<void> {
    for (let i = 0; i < backlog.length; i += REPLAY_CHUNK) {
      if (this.state !== "up") {
        for (const hit of backlog.slice(i)) this.keepForLater(hit);
        return;
      }
      const chunk = backlog.slice(i, i + REPLAY_CHUNK).filter((hit) => !this.countedInStore.has(hit));
      if (chunk.length > 0) await this.countShared(chunk, true);
    }
  }

  down(error: unknown): void {
    this.retryAt = Date.now() + RETRY_MS;
    if (this.state === "down") return;
    this.outages++;
    this.state = "down";
    this.host.telemetry.setDegraded(true);
    this.startProbing();
    this.host.telemetry.error("store");
    const message = error instanceof Error ? error.message : String(error);
    this.host.logger.warn(
      { component: "store", store: this.store.name, error: message },
      "rampart shared store unreachable; counting locally until it is back (requests proceed)",
    );
  }

  /** A block from the store (made here or on another instance): enforced from the local table from now on. */
  block(subject: string, block: Block): void {
    if (block.until <= Date.now()) return;
    this.host.detector.rememberBlock(subject, block);
  }

  private startProbing(): void {
    const resync = this.store.resync?.bind(this.store);
    if (!resync || this.probe) return;
    this.probe = setInterval(() => {
      this.within(resync()).then(
        () => this.up(),
        () => undefined,
      );
    }, RETRY_MS);
    this.probe.unref();
  }

  private retryDue(): boolean {
    if (Date.now() < this.retryAt) return false;
    this.retryAt = Date.now() + RETRY_MS;
    return true;
  }

  /**
   * Settles with the store's answer, or rejects after the store's timeout: nothing waits longer. When the timer
   * fires, replies already read from the socket in the same turn of a busy event loop still get their chance
   * (setImmediate runs after that turn's I/O): a process starved of CPU is not a slow store.
   */
  private within<T>(work: Promise<T>): Promise<T> {
    const ms = this.store.timeoutMs ?? 150;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => setImmediate(() => reject(new Error(`shared store did not answer within ${ms} ms`))), ms);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  close(): Promise<void> {
    clearInterval(this.probe);
    return this.store.close();
  }
}
