import type { IncomingMessage } from "node:http";
import type { AuthResult } from "./event.js";
import { Guard, type GuardOptions } from "./guard.js";

/** The parts of a Socket.IO socket the hook reads (kept structural so socket.io stays optional). */
interface HandshakeSocket {
  handshake: { address: string; headers: IncomingMessage["headers"]; url: string; auth?: Record<string, unknown> };
  request: IncomingMessage;
}

export interface SocketAuthResult {
  ok: boolean;
  principal?: string;
  tenant?: string;
  /** Why it failed: invalid, missing, revoked, expired, forbidden. */
  reason?: Exclude<AuthResult, "ok">;
}

export interface SocketGuardOptions extends GuardOptions {
  /** Your connection authentication; the hook records its outcome and rejects failures. */
  authenticate: (socket: HandshakeSocket) => SocketAuthResult | Promise<SocketAuthResult>;
}

type SocketNext = (error?: Error) => void;
export type SocketGuard = ((socket: HandshakeSocket, next: SocketNext) => void) & { guard: Guard; close(): Promise<void> };

/**
 * Socket.IO middleware: `io.use(socketAuthGuard({ authenticate }))`. Connection auth failures feed the
 * same rules as HTTP (brute-force, credential-stuffing, revoked-credential...); blocked sources are
 * refused before `authenticate` runs.
 */
export function socketAuthGuard(options: SocketGuardOptions): SocketGuard {
  const guard = new Guard(options);
  const hook = ((socket, next) => {
    run(guard, options, socket).then(
      (error) => next(error),
      (error: unknown) => {
        guard.fail("socket.io", error);
        next(new Error("authentication failed"));
      },
    );
  }) as SocketGuard;
  hook.guard = guard;
  hook.close = () => guard.close();
  return hook;
}

async function run(guard: Guard, options: SocketGuardOptions, socket: HandshakeSocket): Promise<Error | undefined> {
  const ip = guard.clientAddress({
    peer: socket.request.socket?.remoteAddress ?? socket.handshake.address,
    forwardedFor: socket.handshake.headers["x-forwarded-for"],
    forwarded: socket.handshake.headers.forwarded,
  });
  if (guard.blocked({ ip })) return new Error("blocked");
  const result = await options.authenticate(socket);
  const auth: AuthResult = result.ok ? "ok" : (result.reason ?? "invalid");
  guard.record({
    time: new Date().toISOString(),
    ip,
    method: "WS",
    path: (socket.handshake.url ?? "/socket.io/").split("?")[0]!,
    status: result.ok ? 101 : 401,
    auth,
    ...(result.principal ? { principal: result.principal } : {}),
    ...(result.tenant ? { tenant: result.tenant } : {}),
    ...(socket.handshake.headers["user-agent"] ? { userAgent: socket.handshake.headers["user-agent"] } : {}),
  });
  return result.ok ? undefined : new Error("authentication failed");
}
