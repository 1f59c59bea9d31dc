import { parseDuration } from "../../core/duration.js";
import { type Alert, subjectLabel } from "../alert.js";
import { type SinkFormat, webhookPayload } from "./payloads.js";

/** Where alerts go besides the log. `push` must return at once and never throw: it runs in the request path. */
export interface AlertSink {
  push(alert: Alert): void;
  /** Delivers what is queued (bounded by the sink's own timeouts) and stops. */
  close(): Promise<void>;
}

export interface WebhookSinkOptions {
  /** The receiver. Slack and Discord webhook URLs are secrets: they are never logged or put in errors. */
  url: string;
  format?: SinkFormat;
  /** The same rule and subject within this window is sent once, with a count of the repeats. Default 10m. */
  dedupeWindow?: string;
  /** Alerts waiting for delivery; beyond this the oldest are dropped (and counted). Default 100. */
  maxQueue?: number;
  /** Attempts after the first, with doubling backoff, for network errors and 5xx. Default 4. */
  retries?: number;
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** Told about deliveries that finally failed (a logger hook). Never receives the URL. */
  onError?: (message: string) => void;
}

export interface SinkStats {
  sent: number;
  deduped: number;
  dropped: number;
  failed: number;
}

interface Pending {
  alert: Alert;
  repeats: number;
}

const MAX_RETRY_AFTER_MS = 60_000;
const MAX_DEDUPE_KEYS = 10_000;

/** A generic JSON, Slack or Discord webhook with de-duplication, a bounded queue and retries. */
export class WebhookSink implements AlertSink {
  readonly stats: SinkStats = { sent: 0, deduped: 0, dropped: 0, failed: 0 };
  private readonly queue: Pending[] = [];
  private readonly lastSent = new Map<string, number>();
  private readonly windowMs: number;
  private draining: Promise<void> | undefined;
  /** The alert being delivered right now: a repeat of it is folded in, not queued again. */
  private inFlight: string | undefined;
  private closed = false;

  constructor(private readonly options: WebhookSinkOptions) {
    this.windowMs = parseDuration(options.dedupeWindow ?? "10m", "dedupeWindow", { file: "webhook sink options" });
  }

  push(alert: Alert): void {
    try {
      if (this.closed) return;
      const key = dedupeKey(alert);
      const queued = this.queue.find((p) => dedupeKey(p.alert) === key);
      if (queued) {
        queued.repeats++;
        this.stats.deduped++;
        return;
      }

      if (key === this.inFlight) return void this.stats.deduped++;
      const last = this.lastSent.get(key);
      if (last !== undefined && Date.parse(alert.lastSeen) - last < this.windowMs) return void this.stats.deduped++;
      this.enqueue({ alert, repeats: 0 });
      this.draining ??= this.drain().finally(() => (this.draining = undefined));
    } catch {
      this.stats.failed++;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.draining;
  }

  /** Resolves when the queue is empty (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private enqueue(pending: Pending): void {
    if (this.queue.length >= (this.options.maxQueue ?? 100)) {
      this.queue.shift();
      this.stats.dropped++;
    }
    this.queue.push(pending);
  }

  private async drain(): Promise<void> {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      this.inFlight = dedupeKey(next.alert);
      const delivered = await this.deliver(next).catch(() => false);
      this.inFlight = undefined;
      if (!delivered) continue;
      this.stats.sent++;
      this.remember(dedupeKey(next.alert), Date.parse(next.alert.lastSeen));
    }
  }

  private remember(key: string, at: number): void {
    if (this.lastSent.size >= MAX_DEDUPE_KEYS) this.lastSent.delete(this.lastSent.keys().next().value!);
    this.lastSent.delete(key);
    this.lastSent.set(key, at);
  }

  private async deliver(pending: Pending): Promise<boolean> {
    const body = JSON.stringify(webhookPayload(this.options.format ?? "json", pending.alert, pending.repeats));
    const retries = this.options.retries ?? 4;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.post(body);
      if (outcome.ok) return true;
      if (!outcome.retryable || attempt >= retries) {
        this.stats.failed++;
        this.options.onError?.(`webhook delivery to ${safeHost(this.options.url)} failed: ${outcome.reason}`);
        return false;
      }
      await sleep(outcome.retryAfterMs ?? Math.min(250 * 2 ** attempt, 10_000));
    }
  }

  private async post(body: string): Promise<{ ok: boolean; retryable?: boolean; retryAfterMs?: number; reason?: string }> {
    try {
      const response = await fetch(this.options.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...this.options.headers },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { ok: true };
      if (response.status === 429) return { ok: false, retryable: true, retryAfterMs: retryAfter(response.headers.get("retry-after")), reason: "429" };
      return { ok: false, retryable: response.status >= 500, reason: String(response.status) };
    } catch (error) {
      return { ok: false, retryable: true, reason: (error as Error).name === "TimeoutError" ? "timeout" : "network error" };
    }
  }
}

export function webhookSink(options: WebhookSinkOptions): WebhookSink {
  return new WebhookSink(options);
}

function dedupeKey(alert: Alert): string {
  return `${alert.rule}\u0000${subjectLabel(alert.subject)}`;
}

function retryAfter(header: string | null): number {
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : 1000;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "an invalid URL";
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
