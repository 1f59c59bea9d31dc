import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { type SuspiciousAccessOptions, suspiciousAccess } from "./express.js";
import type { Guard } from "./guard.js";

export type GuardedListener = RequestListener & { guard: Guard; close(): Promise<void> };

/**
 * Wraps a plain `node:http` request listener: `http.createServer(withSuspiciousAccess(handler, {}))`.
 * Set `res.locals = { rampart: { principal, tenant, auth } }` in the handler (or pass `enrich`) to name
 * the identity.
 */
export function withSuspiciousAccess(handler: (req: IncomingMessage, res: ServerResponse) => void, options: SuspiciousAccessOptions = {}): GuardedListener {
  const middleware = suspiciousAccess(options);
  const listener = ((req: IncomingMessage, res: ServerResponse) => {
    const locals = res as ServerResponse & { locals?: Record<string, unknown> };
    locals.locals ??= {};
    middleware(req, res, () => handler(req, res));
  }) as GuardedListener;
  listener.guard = middleware.guard;
  listener.close = middleware.close;
  return listener;
}

export type { SuspiciousAccessOptions } from "./express.js";
export { suspiciousAccess } from "./express.js";
