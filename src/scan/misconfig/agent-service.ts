import type { ComposeService, SourcedEntry } from "./parsers/compose.js";

/**
 * Whether a compose service runs the elizaOS agent server, judged by what it runs (image, build, command,
 * port, server variables), never by a name prefix: real stacks name their postgres `eliza-postgres` and
 * their ollama `eliza-ollama`, and a gateway carries `ELIZA_SERVER_URL` to reach the agent.
 */
export function isAgentService(service: ComposeService): boolean {
  if (isSupportingService(service)) return false;
  if (/eliza/i.test(service.image?.value ?? "")) return true;
  if (runsElizaServer(service.command)) return true;
  if (service.env.some((e) => AGENT_SERVER_VARS.test(e.key))) return true;
  if (service.image !== undefined) return false;
  // Built from source: the unnamed deployment shape (`build: .` with SERVER_HOST=0.0.0.0 on "3000:3000"), or
  // a service named for the agent (`eliza`, `container_name: elizav2`, `eliza-agent`).
  if (service.build === undefined) return false;
  return service.env.some(isServerBinding) || /eliza|agent/i.test(`${service.name} ${service.containerName}`);
}

/** Databases, caches, vector stores, LLM servers and proxies: never the agent API, whatever their name. */
const SUPPORTING_IMAGE =
  /(^|[/_-])(postgres|postgis|pgvector|timescaledb|supabase|mysql|mariadb|mongo|redis|valkey|keydb|memcached|ollama|localai|vllm|litellm|text-generation-inference|qdrant|chroma|weaviate|milvus|elasticsearch|opensearch|meilisearch|nginx|traefik|caddy|haproxy|envoy|kong|grafana|prometheus|loki|jaeger|minio|rabbitmq|kafka|zookeeper|nats|adminer|pgadmin)([/:@_-]|$)/i;
const SUPPORTING_NAME = /(^|[-_])(postgres|pg|db|database|redis|cache|ollama|llm|gateway|proxy|nginx|traefik|caddy|worker-db)([-_]|$)/i;

function isSupportingService(service: ComposeService): boolean {
  if (SUPPORTING_IMAGE.test(service.image?.value ?? "")) return true;
  return SUPPORTING_NAME.test(service.name) && !/eliza/i.test(service.image?.value ?? "");
}

/** Variables only the agent server itself reads (a client of it has ELIZA_SERVER_URL, not these). */
const AGENT_SERVER_VARS =
  /^(ELIZA_SERVER_AUTH_TOKEN|ELIZA_UI_ENABLE|REMOTE_CHARACTER_URLS|PGLITE_DATA_DIR|WALLET_SECRET_SALT|SECRET_SALT|ENABLE_DATA_ISOLATION)$/;

function isServerBinding(entry: SourcedEntry): boolean {
  return entry.key === "SERVER_HOST" || entry.key === "SERVER_PORT";
}

/** `elizaos start`, `bunx @elizaos/cli dev`, `eliza start`: the server command, judged per shell command (split at `|`, `;` and `&`). */
function runsElizaServer(command: string): boolean {
  if (/@elizaos\/(cli|server)/i.test(command)) return true;
  return command.split(/[|;&]/).some((part) => {
    // From the first `eliza`/`elizaos` word on, so each part is read once (no quadratic rescans).
    const at = part.search(/\beliza(os)?\b/i);
    return at !== -1 && /\b(start|dev)\b/i.test(part.slice(at));
  });
}
