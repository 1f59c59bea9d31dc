import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { envScopes } from "../env-scopes.js";

/**
 * ELZ-027: registry, package-publishing and deploy credentials handed to a running agent. They are
 * needed to build or ship the image, not to run it, and an agent with shell or plugin access can read
 * its own environment (seen in elizaOS's TEE compose file: DOCKER_REGISTRY_PASSWORD in the runtime env).
 */
const BUILD_ONLY = new Set([
  "DOCKER_REGISTRY_PASSWORD",
  "DOCKER_PASSWORD",
  "DOCKERHUB_TOKEN",
  "REGISTRY_PASSWORD",
  "CR_PAT",
  "GHCR_TOKEN",
  "NPM_TOKEN",
  "NODE_AUTH_TOKEN",
  "NPM_AUTH_TOKEN",
  "GH_PAT",
  "GITHUB_PAT",
  "GH_TOKEN",
  "GITHUB_TOKEN",
  "PHALA_CLOUD_API_KEY",
  "TWINE_PASSWORD",
  "PYPI_TOKEN",
  "CARGO_REGISTRY_TOKEN",
  "VERCEL_TOKEN",
  "FLY_API_TOKEN",
  "RAILWAY_TOKEN",
  "NETLIFY_AUTH_TOKEN",
  "HEROKU_API_KEY",
]);

export function check(file: FileContext): ScanReport[] {
  return envScopes(file)
    .filter((scope) => scope.kind === "compose-service")
    .flatMap((scope) =>
      scope.entries
        .filter((e) => BUILD_ONLY.has(e.key) && e.value.trim() !== "")
        .map((e) => ({
          message: `service "${scope.service?.name}" receives ${e.key}, a build/publish credential the running agent does not need; keep it in CI or pass it as a BuildKit secret`,
          start: e.keyStart,
          end: e.valueEnd,
        })),
    );
}
