import type { FileContext } from "../file-context.js";
import { isComposeFile, isDeployedEnvFile, isDockerfile } from "./file-kinds.js";
import { type ComposeService, composeServices, type SourcedEntry } from "./parsers/compose.js";
import { keyValues } from "./parsers/dockerfile.js";

/**
 * A set of environment variables that one process receives: a deployed env file, one compose
 * service's `environment:`, or a Dockerfile's `ENV` lines. Env rules judge each scope as a whole
 * (e.g. "isolation on but no verifier in the same scope").
 */
export interface EnvScope {
  kind: "env-file" | "compose-service" | "dockerfile";
  entries: SourcedEntry[];
  /** Values may come from elsewhere (compose `env_file:`), so absence proves nothing. */
  open: boolean;
  service?: ComposeService;
}

export function envScopes(file: FileContext): EnvScope[] {
  if (isDeployedEnvFile(file.path)) {
    const entries = file.dotenv.map((e) => ({ key: e.key, value: e.value, keyStart: e.keyStart, valueStart: e.valueStart, valueEnd: e.valueEnd }));
    return [{ kind: "env-file", entries, open: false }];
  }
  if (isComposeFile(file.path)) {
    return composeServices(file.yaml).map((service) => ({ kind: "compose-service" as const, entries: service.env, open: service.hasEnvFile, service }));
  }
  if (isDockerfile(file.path)) return [{ kind: "dockerfile", entries: dockerEnv(file), open: true }];
  return [];
}

function dockerEnv(file: FileContext): SourcedEntry[] {
  const { text } = file;
  return file.dockerfile
    .filter((i) => i.keyword === "ENV")
    .flatMap((i) =>
      keyValues(i).map(({ key, value }) => {
        const at = text.indexOf(key, i.argsStart);
        const keyStart = at === -1 || at > i.end ? i.start : at;
        return { key, value: value ?? "", keyStart, valueStart: keyStart, valueEnd: Math.min(i.end, keyStart + key.length + 1 + (value ?? "").length) };
      }),
    );
}

export function entry(scope: EnvScope, key: string): SourcedEntry | undefined {
  return scope.entries.find((e) => e.key === key);
}
