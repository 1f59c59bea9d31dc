import { createHmac } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { normalizeIp } from "./event.js";
import { type SuspiciousAccessMiddleware, type SuspiciousAccessOptions, suspiciousAccess } from "./express.js";
import type { Enrich, Enrichment } from "./request-event.js";

/**
 * `rampart/eliza`: the detector set up for an elizaOS 1.x server (`@elizaos/server`'s AgentServer):
 *
 *   await server.start({ port, middlewares: [elizaGuard()] });
 *
 * It knows elizaOS's one server-wide key (`X-API-KEY` checked against `ELIZA_SERVER_AUTH_TOKEN` under
 * `/api`, `req.isServerAuthenticated` on success), names a presented key by a keyed hash and never by
 * the key, takes the client address from the app's own Express `trust proxy`, and treats the web UI's
 * catch-all page answered to an API path or a file name as the 404 it stands for. `@elizaos/*` packages
 * are an optional peer: nothing here imports them.
 */
export interface ElizaGuardOptions extends Omit<SuspiciousAccessOptions, "identify" | "clientAddress"> {
  /**
   * The server key that `X-API-KEY` is checked against. Default: `ELIZA_SERVER_AUTH_TOKEN` when the
   * middleware is made. It keys the hash that names presented keys, so instances sharing it name a key
   * alike, and a principal cannot be turned back into a key without it. Unset: elizaOS checks no key.
   */
  authToken?: string;
  /**
   * More identity from the app (a tenant, the object's tenant), merged over what this integration works out.
   */
  enrich?: Enrich;
  /**
   * Rampart's own proxy trust (`"loopback"`, CIDRs, a hop count) for apps that set no Express `trust proxy`,
   * which elizaOS never does. Unset: the client is Express's `req.ip` under the app's own `trust proxy`
   * (one source of truth; set it with `server.app.set("trust proxy", "loopback")`).
   */
  trustProxy?: SuspiciousAccessOptions["trustProxy"];
}

const API = /^\/api(?:[/?#]|$)/;
/** A last path segment with a file extension other than HTML: an SPA never routes those to its page. */
const FILE_NAME = /\/[^/?#]*\.(?!html?(?:[?#]|$))[a-z0-9]{1,8}(?:[?#]|$)/i;
/**
 * The pages the elizaOS 1.x web UI routes (its React router: `/`, `chat/…`, `settings/…`, `group/…`,
 * `agents/new`, `/create`, `/logs`). Any other path gets the catch-all page and the UI's own "not found"
 * screen, so a path scan that sends no file names (ffuf -recursion, dirb, a slow scan with a browser agent)
 * is seen as the 404s it is.
 */
const UI_PAGE = /^\/(?:(?:chat|settings|group|agents|create|logs)(?:[/?#]|$)|(?:index\.html)?(?:[?#]|$))/i;

type ElizaRequest = IncomingMessage & { isServerAuthenticated?: boolean; originalUrl?: string; ip?: string };

export function elizaGuard(options: ElizaGuardOptions = {}): SuspiciousAccessMiddleware {
  const token = options.authToken ?? process.env.ELIZA_SERVER_AUTH_TOKEN ?? "";
  const principalOf = keyNamer(token);
  const identify = (req: IncomingMessage) => {
    const key = presentedKey(req);
    return key ? { principal: principalOf(key) } : undefined;
  };
  const elizaEnrich: Enrich = (req, res) => {
    const own = enrichEliza(req as ElizaRequest, res, token !== "", principalOf);
    const app = options.enrich?.(req, res);
    return app ? { ...own, ...app } : own;
  };
  return suspiciousAccess({
    authPaths: ["/api/"],
    ...options,
    identify,
    enrich: elizaEnrich,
    ...(options.trustProxy === undefined ? { clientAddress: expressClientAddress } : {}),
  });
}

/** What elizaOS's request tells about authentication, and the status the rules should see. */
function enrichEliza(req: ElizaRequest, res: ServerResponse, authOn: boolean, principalOf: (key: string) => string): Enrichment | undefined {
  const path = req.originalUrl ?? req.url ?? "/";
  const api = API.test(path);
  const out: Enrichment = {};
  if (authOn && api) {
    if (req.isServerAuthenticated) out.auth = "ok";
    else if (res.statusCode === 401) refusedCredential(req, out, principalOf);
  }
  // The page is only asked for on 200s that are HTML: API answers are JSON and assets are files.
  if (res.statusCode === 200 && isHtml(res) && (api || !UI_PAGE.test(path) || FILE_NAME.test(path))) out.status = 404;
  return out.auth || out.status ? out : undefined;
}

/**
 * Why a 401 under /api: a wrong `X-API-KEY` is `invalid`. elizaOS reads no other header, so a credential
 * sent another way (`Authorization: Bearer <guess>`, hydra's Basic auth) is a guess that cannot succeed:
 * `invalid` too, named by its hash so each guess is its own principal. Only read on 401s.
 */
function refusedCredential(req: IncomingMessage, out: Enrichment, principalOf: (key: string) => string): void {
  if (presentedKey(req)) {
    out.auth = "invalid";
    return;
  }
  const authorization = req.headers.authorization;
  if (!authorization) {
    out.auth = "missing";
    return;
  }
  out.auth = "invalid";
  out.principal = principalOf(authorization);
}

function isHtml(res: ServerResponse): boolean {
  const type = res.getHeader("content-type");
  return typeof type === "string" && type.startsWith("text/html");
}

function presentedKey(req: IncomingMessage): string | undefined {
  const value = req.headers["x-api-key"];
  const key = Array.isArray(value) ? value[0] : value;
  return key ? key : undefined;
}

/**
 * `key:<16 hex>`: an HMAC of the presented key under the server's own key, so equal keys get equal names on
 * every instance, different guesses different names, and nothing in a log or alert reveals a key.
 */
function keyNamer(serverKey: string): (key: string) => string {
  const secret = serverKey || "rampart-eliza-no-server-key";
  return (key) => `key:${createHmac("sha256", secret).update(key).digest("hex").slice(0, 16)}`;
}

/** Express's `req.ip`, which follows the app's `trust proxy`; the TCP peer when Express has not set it. */
function expressClientAddress(req: IncomingMessage): string | undefined {
  const ip = (req as ElizaRequest).ip;
  return typeof ip === "string" ? normalizeIp(ip) || undefined : undefined;
}

export type { SuspiciousAccessMiddleware } from "./express.js";
export { webhookSink } from "./express.js";
