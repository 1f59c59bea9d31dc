import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { isAgentService } from "../agent-service.js";
import { type EnvScope, entry, envScopes } from "../env-scopes.js";
import { isPublishedEverywhere } from "../parsers/compose.js";
import { isLoopbackHost } from "../secret-names.js";

const TOKEN = "ELIZA_SERVER_AUTH_TOKEN";

/** ELZ-001: the agent API answers anyone when the token is unset and the server is reachable beyond loopback. */
export function check(file: FileContext): ScanReport[] {
  return envScopes(file).flatMap((scope) => (scope.kind === "env-file" ? envFile(scope) : scope.kind === "compose-service" ? composeService(scope) : []));
}

function envFile(scope: EnvScope): ScanReport[] {
  const token = entry(scope, TOKEN);
  const host = entry(scope, "SERVER_HOST") ?? entry(scope, "HOST");
  const hostValue = host?.value.trim() ?? "";
  const bindsWide = hostValue === "" || !isLoopbackHost(hostValue);
  if (!bindsWide) return [];
  if (token && token.value.trim() === "") {
    return [
      {
        message: `${TOKEN} is empty while the server binds ${hostValue || "0.0.0.0 (the default)"}: the agent API, including /api/system/env/local, answers without authentication`,
        start: token.keyStart,
        end: token.valueEnd,
      },
    ];
  }
  if (!token && host && looksLikeElizaEnv(scope)) {
    return [
      {
        message: `${host.key}=${hostValue} exposes the agent server but ${TOKEN} is not set: the API answers without authentication`,
        start: host.keyStart,
        end: host.valueEnd,
      },
    ];
  }
  return [];
}

function looksLikeElizaEnv(scope: EnvScope): boolean {
  return scope.entries.some((e) =>
    /^(ELIZA_|REMOTE_CHARACTER_URLS$|PGLITE_DATA_DIR$|SECRET_SALT$|WALLET_SECRET_SALT$|ENABLE_DATA_ISOLATION$|SERVER_PORT$)/.test(e.key),
  );
}

function composeService(scope: EnvScope): ScanReport[] {
  const service = scope.service;
  if (!service || !isAgentService(service)) return [];
  const token = entry(scope, TOKEN);
  if (token && token.value.trim() !== "") return [];
  if (!token && scope.open) return [];
  const exposed = service.ports.find(isPublishedEverywhere);
  if (!exposed) return [];
  return [
    {
      message: `service "${service.name}" publishes the agent API on every interface without ${TOKEN}: anyone who can reach the port controls the agents`,
      start: exposed.start,
      end: exposed.end,
    },
  ];
}
