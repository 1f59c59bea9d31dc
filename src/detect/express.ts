import { subscribe } from "node:diagnostics_channel";
import { ServerResponse as HttpServerResponse, type IncomingMessage, type ServerResponse } from "node:http";
import { bodyExcerpt } from "./body-excerpt.js";
import type { AccessEvent } from "./event.js";
import { Guard, type GuardOptions } from "./guard.js";
import { accessEventFrom, type Enrich } from "./request-event.js";

export interface SuspiciousAccessOptions extends GuardOptions {
  /**
   * Adds identity to the event after the response: principal, tenant and why auth failed. The default
   * reads `res.locals.rampart` (`{ principal, tenant, auth }`), which route handlers can set.
   */
  enrich?: Enrich;
  /** Names the principal before the handler runs, so principal blocks are enforced up front. */
  identify?: (req: IncomingMessage) => { principal?: string; tenant?: string } | undefined;
  /**
   * The client address of a request, when the app already knows it (e.g. Express's `req.ip` under the app's
   * own `trust proxy`); undefined falls back to `trustProxy`.
   */
  clientAddress?: (req: IncomingMessage) => string | undefined;
  /**
   * Path prefixes where authentication is attempted and APIs answer; a block of an auth-scoped rule
   * (brute-force, key-spray) refuses only these and requests that carry credentials. Default `["/api/", "/auth/", "/login"]`.
   */
  authPaths?: string[];
  /** Inspect the body the app parsed (`req.body`) for injection payloads at response time. Default true. */
  inspectBody?: boolean;
  /**
   * Called with every access event as the rules see it (for an event log that `rampart detect replay` reads).
   * Body excerpts are passed through secret redaction first. Never called for the detector's own failures.
   */
  onEvent?: (event: AccessEvent) => void;
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
  const authPaths = options.authPaths ?? DEFAULT_AUTH_PATHS;
  // No proxy trusted (the default): the address is the TCP peer's, and no forwarding header needs reading.
  const peerOnly = (options.trustProxy ?? false) === false;
  // The secret rules are only loaded when events leave the process.
  if (options.onEvent) loadRedactor(guard);
  const record = (req: IncomingMessage, res: ServerResponse, pending: Pending, aborted?: boolean): void => {
    try {
      const at = Date.now();
      const event = accessEventFrom(req, res, pending.ip, options.enrich, pending.early, at);
      // The client hung up before the response finished (nginx's 499): still a request the rules count.
      if (aborted) event.status = ABORTED;
      const body = options.inspectBody === false ? undefined : bodyExcerpt((req as IncomingMessage & { body?: unknown }).body);
      if (body) event.body = body;
      if (options.onEvent) emit(options.onEvent, event, guard);
      batch.add(event, at);
    } catch (error) {
      guard.fail("event", error);
    }
  };
  const middleware = ((req, res, next) => {
    let ip = "unknown";
    try {
      const connection = connectionOf(req);
      ip = (options.clientAddress && safeAddress(options.clientAddress, req, guard)) || clientAddressOf(guard, req, peerOnly, connection);
      const early = safeIdentify(options, req, guard);
      watchFinish(req, res, pendingFor(connection, ip, early, record));
      // The common case: nobody blocked; nothing to look up, so nothing to time. Blocks made on other
      // instances are pushed into the same local table by the shared store: a request never asks Redis.
      if (!guard.detector.hasBlocks) {
        guard.telemetry.allow();
        return next();
      }
      const started = performance.now();
      // Without identity up front the probe is the address alone: no object spread per request.
      const probe = early === NO_IDENTITY ? { ip } : { ip, ...early };
      decide(guard, res, next, refused(guard.detector.blockFor(probe, Date.now()), req, authPaths), started);
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
  // Two parallel arrays rather than an object per queued event; swapped with the spare pair at each flush.
  private events: AccessEvent[] = [];
  private times: number[] = [];
  private spareEvents: AccessEvent[] = [];
  private spareTimes: number[] = [];
  private scheduled = false;
  private flushing = false;
  /** Made once: scheduling a flush allocates no closure per batch. */
  private readonly flushLater = () => this.flush();

  constructor(
    private readonly guard: Guard,
    private readonly cap = 1024,
  ) {}

  add(event: AccessEvent, at: number): void {
    this.events.push(event);
    this.times.push(at);
    if (this.events.length >= this.cap) return this.flush();
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.flushLater);
  }

  flush(): void {
    this.scheduled = false;
    // An event added while a batch is recorded (an alert hook that answers a request) lands in the other
    // pair and is recorded by the loop below, never by a nested flush.
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.events.length > 0) {
        const events = this.events;
        const times = this.times;
        this.events = this.spareEvents;
        this.times = this.spareTimes;
        this.guard.recordAll(events, times);
        events.length = 0;
        times.length = 0;
        this.spareEvents = events;
        this.spareTimes = times;
      }
    } finally {
      this.flushing = false;
    }
  }
}

const ABORTED = 499;
const DEFAULT_AUTH_PATHS = ["/api/", "/auth/", "/login"];

/**
 * The block, if it applies to this request: an auth-scoped block (from guessing) refuses only requests that
 * carry credentials or go to authentication and API paths, so the page where a person fixes a key stays open.
 */
function refused<B extends { scope?: string }>(block: B | undefined, req: IncomingMessage, authPaths: readonly string[]): B | undefined {
  if (block?.scope !== "auth") return block;
  if (req.headers.authorization || req.headers["x-api-key"]) return block;
  const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? "/";
  return authPaths.some((p) => url.startsWith(p)) ? block : undefined;
}

let redactor: ((text: string) => string) | undefined;
let loading: Promise<void> | undefined;
/** Events with a body excerpt that wait for the redactor (only in the first moments after start), bounded. */
const waiting: Array<() => void> = [];
const MAX_WAITING = 1024;

function loadRedactor(guard: Guard): void {
  if (loading) return;
  loading = import("../scan/redact-text.js")
    .then(
      (m) => {
        redactor = m.redactSecretsInText;
      },
      (error: unknown) => {
        guard.fail("redaction", error);
        // Without a redactor, excerpts are never sent: the events go out without their body.
        redactor = () => "[body left out: redaction unavailable]";
      },
    )
    .finally(() => {
      for (const send of waiting.splice(0)) send();
    });
}

/** Hands the event to `onEvent`, its body excerpt redacted; never throws. */
function emit(onEvent: (event: AccessEvent) => void, event: AccessEvent, guard: Guard): void {
  const send = (withBody = true) => {
    try {
      const { body, ...rest } = event;
      onEvent(body && withBody ? { ...rest, body: redactor!(body) } : rest);
    } catch (error) {
      guard.fail("onEvent", error);
    }
  };
  if (!event.body || redactor) return send();
  if (waiting.length < MAX_WAITING) return void waiting.push(send);
  send(false);
}

function safeAddress(clientAddress: (req: IncomingMessage) => string | undefined, req: IncomingMessage, guard: Guard): string | undefined {
  try {
    return clientAddress(req);
  } catch (error) {
    guard.fail("clientAddress", error);
    return undefined;
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
/** What a finished response is recorded with, besides its request: the same for every request of a connection, usually. */
interface Pending {
  ip: string;
  early: { principal?: string; tenant?: string };
  record: (req: IncomingMessage, res: ServerResponse, pending: Pending, aborted?: boolean) => void;
}
type PendingResponse = ServerResponse & { [PENDING]?: Pending };

/**
 * What the middleware knows of a keep-alive connection, learnt at its first request: the TCP peer, the client
 * address resolved from it, and the record its requests are recorded with. One property on the socket, so node's
 * sockets take one hidden class more, not one per fact.
 */
interface Connection {
  peer?: string;
  address?: string;
  pending?: Pending;
}
const CONNECTION = Symbol("rampart.connection");
type ConnectionSocket = NonNullable<IncomingMessage["socket"]> & { [CONNECTION]?: Connection; _httpMessage?: unknown };

/** The connection's record, made (and its abort watch set) at its first request; undefined without a socket. */
function connectionOf(req: IncomingMessage): Connection | undefined {
  const socket = req.socket as ConnectionSocket | null;
  if (!socket) return undefined;
  const known = socket[CONNECTION];
  if (known !== undefined) return known;
  const connection: Connection = {};
  socket[CONNECTION] = connection;
  watchAbort(socket);
  return connection;
}

/**
 * The record of a request. Without identity up front, the address and the record function are the same for every
 * request of a keep-alive connection: one record per connection is made and reused, instead of one per request.
 */
function pendingFor(connection: Connection | undefined, ip: string, early: Pending["early"], record: Pending["record"]): Pending {
  if (early !== NO_IDENTITY) return { ip, early, record };
  const known = connection?.pending;
  if (known && known.ip === ip && known.record === record) return known;
  const pending: Pending = { ip, early, record };
  if (connection) connection.pending = pending;
  return pending;
}

/**
 * Node announces every finished http response on this diagnostics channel (the hook APM agents use). One
 * process-wide subscriber replaces a `finish` listener per response (a closure, a once-wrapper and listener
 * bookkeeping on every request). Responses of other kinds (HTTP/2 compatibility) get a listener instead.
 * The subscriber only acts on responses this middleware marked, and `record` never throws.
 */
const FINISH_CHANNEL = "http.server.response.finish";
let subscribed = false;

function watchFinish(req: IncomingMessage, res: ServerResponse, pending: Pending): void {
  (res as PendingResponse)[PENDING] = pending;
  if (!announcedOnChannel(res)) {
    res.on("finish", () => finished(req, res));
    return;
  }
  if (subscribed) return;
  subscribed = true;
  subscribe(FINISH_CHANNEL, (message) => {
    const { request, response } = message as { request?: IncomingMessage; response?: ServerResponse };
    if (request) finished(request, response);
  });
}

let lastPrototype: unknown;
let lastAnnounced = false;

/**
 * Responses of node:http's own class (or subclasses, such as Express's) are announced on the channel. Asked
 * per request; the answer depends only on the prototype, which is the same for every response of an app
 * (an `instanceof` walk through Express's prototype chain showed in profiles).
 */
function announcedOnChannel(res: object): boolean {
  const prototype = Object.getPrototypeOf(res) as unknown;
  if (prototype !== lastPrototype) {
    lastAnnounced = res instanceof HttpServerResponse;
    lastPrototype = prototype;
  }
  return lastAnnounced;
}

/** The client address under the guard's trust-proxy setting; with no proxy trusted, the headers are not read. */
function clientAddressOf(guard: Guard, req: IncomingMessage, peerOnly: boolean, connection: Connection | undefined): string {
  if (peerOnly) return peerAddressOf(guard, req, connection);
  return guard.clientAddress({ peer: peerOf(req, connection), forwardedFor: req.headers["x-forwarded-for"], forwarded: req.headers.forwarded });
}

/**
 * With no proxy trusted, the client address is the TCP peer's, normalised: the same for every request of a
 * connection, so it is resolved once per connection (no input object and resolver call per request).
 */
function peerAddressOf(guard: Guard, req: IncomingMessage, connection: Connection | undefined): string {
  const known = connection?.address;
  if (known !== undefined) return known;
  const address = guard.clientAddress({ peer: peerOf(req, connection) });
  if (connection && address !== "unknown") connection.address = address;
  return address;
}

/**
 * The TCP peer's address, read once per connection: a keep-alive connection carries many requests, and
 * `socket.remoteAddress` is a getter chain into the handle on every read.
 */
function peerOf(req: IncomingMessage, connection: Connection | undefined): string | undefined {
  const known = connection?.peer;
  if (known !== undefined) return known;
  const peer = req.socket?.remoteAddress;
  if (connection && peer !== undefined) connection.peer = peer;
  return peer;
}

/**
 * A client that hangs up before the response is finished never triggers `finish`. One `close` listener per
 * connection (not per request: keep-alive connections carry many) records the response in flight, if any: the one
 * node:http has attached to the connection (`_httpMessage`, which it clears when a response finishes), so a
 * request costs no bookkeeping of its own here.
 */
function watchAbort(socket: ConnectionSocket): void {
  socket.once("close", () => {
    const inFlight = socket._httpMessage as (PendingResponse & { req?: IncomingMessage }) | null | undefined;
    const pending = inFlight?.[PENDING];
    if (!inFlight || !pending || inFlight.writableFinished || !inFlight.req) return;
    inFlight[PENDING] = undefined;
    pending.record(inFlight.req, inFlight, pending, true);
  });
}

function finished(req: IncomingMessage, res: ServerResponse | undefined): void {
  const pending = (res as PendingResponse | undefined)?.[PENDING];
  if (!res || !pending) return;
  (res as PendingResponse)[PENDING] = undefined;
  pending.record(req, res, pending);
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

export type { SinkFormat } from "./sinks/payloads.js";
export type { AlertSink, SinkStats, WebhookSinkOptions } from "./sinks/webhook-sink.js";
export { WebhookSink, webhookSink } from "./sinks/webhook-sink.js";
