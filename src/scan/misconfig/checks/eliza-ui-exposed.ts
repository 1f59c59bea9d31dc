import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { type EnvScope, entry, envScopes } from "../env-scopes.js";
import { isPublishedEverywhere } from "../parsers/compose.js";
import { isLoopbackHost } from "../secret-names.js";

/**
 * ELZ-021: the web UI is a full admin console (agents, secrets panel, logs). Switched on explicitly
 * on a server reachable beyond loopback, it is an admin panel on the internet.
 */
export function check(file: FileContext): ScanReport[] {
  return envScopes(file).flatMap((scope) => {
    const ui = entry(scope, "ELIZA_UI_ENABLE");
    if (ui?.value.trim().toLowerCase() !== "true" || !reachable(scope)) return [];
    return [
      {
        message:
          "ELIZA_UI_ENABLE=true on a server reachable beyond loopback exposes the admin console (agents, secrets, logs); disable it or put it behind an authenticating proxy",
        start: ui.keyStart,
        end: ui.valueEnd,
      },
    ];
  });
}

function reachable(scope: EnvScope): boolean {
  if (scope.kind === "compose-service") return scope.service?.ports.some(isPublishedEverywhere) ?? false;
  if (scope.kind !== "env-file") return false;
  const host = entry(scope, "SERVER_HOST") ?? entry(scope, "HOST");
  return host === undefined || host.value.trim() === "" || !isLoopbackHost(host.value);
}
