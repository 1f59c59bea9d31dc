import { subscribe } from "node:diagnostics_channel";
import { ServerResponse as HttpServerResponse, type IncomingMessage, type ServerResponse } from "node:http";
import { Guard, type GuardOptions } from "./guard.js";
import type { AccessEvent } from "./event.js";
import { accessEventFrom, type Enrich } from "./request-event.js";

export interface SuspiciousAccessOptions extends GuardOptions {
  /**
   * Adds identity to the event after the response: principal, tenant and why auth failed. The default
   * reads `res.locals.rampart` (`{ principal, tenant, auth }`), which route handlers can set.
   */
  enrich?: Enrich;
  /** Names the principal before the handler runs, so principal blocks are enforced up front. */
  identify?: (req: IncomingMessage) => { principal?: string; tenant?: string } | undefined;
}

type Next = (error?: unknown) => void;
export type SuspiciousAccessMiddleware = ((req: IncomingMessage, res: ServerResponse, next: Next) => void) & { guard: Guard; close(): Promise<void> };

/**
 * Express middleware: `app.use(suspiciousAccess({}))`. In monitor mode (the default) it only watches and
 * alerts; rules in enforce mode answer 429/403 while their subject is blocked. It never throws into
 * the request: its own failures are logged and counted and the request goes on.
 */
export function suspiciousAccess(options: SuspiciousAccessOptions = {}): SuspiciousAccessMiddleware {
  const guard = new Guard(options);
  const batch = new EventBatch(guard);
  // Called once per finished response that passed through this middleware (see watchFinish).
  const record = (res: ServerResponse, pending: Pending): void => {
    try {
      const at = Date.now();
      batch.add(accessEventFrom(pending.req, res, pending.ip, options.enrich, pending.early, at), at);
    } catch (error) {
      guard.fail("event", error);
    }
  };
  const middleware = ((req, res, next) => {
    let ip = "unknown";
    try {
      ip = guard.clientAddress({ peer: req.socket.remoteAddress, forwardedFor: req.headers["x-forwarded-for"], forwarded: req.headers.forwarded });
      const early = safeIdentify(options, req, guard);
      watchFinish(res, { req, ip, early, record });
      // The common case: nobody blocked; nothing to look up, so nothing to time. Blocks made on other
      // instances are pushed into the same local table by the shared store: a request never asks Redis.
      if (!guard.detector.hasBlocks) {
        guard.telemetry.allow();
        return next();
      }
      const started = performance.now();
      // Without identity up front the probe is the address alone: no object spread per request.
      const probe = early === NO_IDENTITY ? { ip } : { ip, ...early };
      decide(guard, res, next, guard.detector.blockFor(probe, Date.now()), started);
    } catch (error) {
      guard.fail("middleware", error);
      next();
    }
  }) as SuspiciousAccessMiddleware;
  middleware.guard = guard;
  middleware.close = () => {
    batch.flush();
    return guard.close();
  };
  return middleware;
}

/**
 * Finished requests are counted in a batch after the current I/O turn (setImmediate), not inside each
 * response's `finish`: the server writes the next responses first, and the detector works through the
 * events in one go. Bounded: a burst beyond the cap is counted at once instead of queueing without end.
 */
class EventBatch {
  // Two parallel arrays rather than an object per queued event.
  private readonly events: AccessEvent[] = [];
  private readonly times: number[] = [];
  private scheduled = false;

  constructor(private readonly guard: Guard, private readonly cap = 1024) {}

  add(event: AccessEvent, at: number): void {
    this.events.push(event);
    this.times.push(at);
    if (this.events.length >= this.cap) return this.flush();
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.scheduled = false;
    const events = this.events.splice(0);
    const times = this.times.splice(0);
    for (let i = 0; i < events.length; i++) this.guard.record(events[i]!, times[i]);
  }
}

/** Answers a blocked request, or lets it through; records how long the block lookup took. */
function decide(guard: Guard, res: ServerResponse, next: Next, block: { status: number; until: number } | undefined, started: number): void {
  guard.telemetry.checkSeconds((performance.now() - started) / 1000);
  if (!block) {
    guard.telemetry.decision("allow", "none");
    return next();
  }
  guard.telemetry.decision("block", "active_block");
  res.statusCode = block.status;
  res.setHeader("retry-after", String(Math.max(1, Math.ceil((block.until - Date.now()) / 1000))));
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ error: block.status === 429 ? "too many suspicious requests" : "forbidden" }));
}

const NO_IDENTITY: { principal?: string; tenant?: string } = Object.freeze({});

const PENDING = Symbol("rampart.pending");
interface Pending {
  req: IncomingMessage;
  ip: string;
  early: { principal?: string; tenant?: string };
  record: (res: ServerResponse, pending: Pending) => void;
}
type PendingResponse = ServerResponse & { [PENDING]?: Pending };

/**
 * Node announces every finished http response on this diagnostics channel (the hook APM agents use). One
 * process-wide subscriber replaces a `finish` listener per response (a closure, a once-wrapper and listener
 * bookkeeping on every request). Responses of other kinds (HTTP/2 compatibility) get a listener instead.
 * The subscriber only acts on responses this middleware marked, and `record` never throws.
 */
const FINISH_CHANNEL = "http.server.response.finish";
let subscribed = false;

function watchFinish(res: ServerResponse, pending: Pending): void {
  (res as PendingResponse)[PENDING] = pending;
  if (!announcedOnChannel(res)) {
    res.on("finish", () => finished(res));
    return;
  }
  if (subscribed) return;
  subscribed = true;
  subscribe(FINISH_CHANNEL, (message) => finished((message as { response?: ServerResponse }).response));
}

/** Responses of node:http's own class (or subclasses, such as Express's) are announced on the channel. */
function announcedOnChannel(res: unknown): boolean {
  return res instanceof HttpServerResponse;
}

function finished(res: ServerResponse | undefined): void {
  const pending = (res as PendingResponse | undefined)?.[PENDING];
  if (!res || !pending) return;
  (res as PendingResponse)[PENDING] = undefined;
  pending.record(res, pending);
}

function safeIdentify(options: SuspiciousAccessOptions, req: IncomingMessage, guard: Guard): { principal?: string; tenant?: string } {
  if (!options.identify) return NO_IDENTITY;
  try {
    return options.identify(req) ?? {};
  } catch (error) {
    guard.fail("identify", error);
    return {};
  }
}

export { webhookSink, WebhookSink } from "./sinks/webhook-sink.js";
export type { AlertSink, SinkStats, WebhookSinkOptions } from "./sinks/webhook-sink.js";
export type { SinkFormat } from "./sinks/payloads.js";
