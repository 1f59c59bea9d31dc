/**
 * Which structural parser a path gets. Decided on the name alone so the scan loop stays cheap.
 */
const base = (path: string): string => path.slice(path.lastIndexOf("/") + 1);

/** `.env`, `.env.production`, `prod.env`, `config/app.env`: files dotenv loads. */
export function isEnvFile(path: string): boolean {
  const name = base(path).toLowerCase();
  return name === ".env" || name.startsWith(".env.") || name.endsWith(".env");
}

/** Templates that document variables and are meant to be committed. */
export function isEnvTemplate(path: string): boolean {
  const name = base(path).toLowerCase();
  return /(^|[.\-_])(example|sample|template|dist|defaults?|tmpl|tpl|schema)([.\-_]|$)/.test(name);
}

/** Env files that only feed test runs (`.env.test`, `.env.ci`, `test.env`): not a deployment. */
export function isTestEnvFile(path: string): boolean {
  const name = base(path).toLowerCase();
  return /(^|[.\-_])(test|tests|testing|ci|e2e|spec)([.\-_]|$)/.test(name.replace(/^\.env/, ""));
}

/** Development-profile env files that frameworks (Vite, Next.js) expect to be committed. */
export function isDevelopmentEnvFile(path: string): boolean {
  return /^\.env\.(development|dev)(\.|$)/i.test(base(path));
}

/** A deployed env file: loaded by a real process, not a template, not a test or development profile. */
export function isDeployedEnvFile(path: string): boolean {
  return isEnvFile(path) && !isEnvTemplate(path) && !isTestEnvFile(path) && !isDevelopmentEnvFile(path);
}

/** Test code (`*.test.ts`, `*.spec.js`, `__tests__/`, `test/`, `tests/`, `e2e/`): never deployed. */
export function isTestCode(path: string): boolean {
  return /(^|\/)(__tests__|__mocks__|tests?|e2e|fixtures?)\/|\.(test|spec|e2e)\.[cm]?[jt]sx?$/i.test(path);
}

/** `.d.ts` and friends: type declarations only, so no code in them ever runs. */
export function isDeclarationFile(path: string): boolean {
  return /\.d\.[cm]?ts$/i.test(path);
}

/** `docker-compose.yml`, `compose.prod.yaml`, `tee-docker-compose.yaml`, `docker-compose-dev.yml`. */
export function isComposeFile(path: string): boolean {
  const name = base(path).toLowerCase();
  const suffix = /\.ya?ml$/.exec(name);
  if (!suffix) return false;
  const stem = name.slice(0, suffix.index);
  // What may follow `compose`: nothing, or a separator and then only word characters, dots and dashes.
  let lastOdd = -1;
  for (let i = 0; i < stem.length; i++) if (!/[\w.-]/.test(stem[i]!)) lastOdd = i;
  for (let at = stem.indexOf("compose"); at !== -1; at = stem.indexOf("compose", at + 1)) {
    const before = stem.startsWith("docker-", at - 7) ? at - 7 : at;
    const startsWord = before === 0 || ".-_".includes(stem[before - 1]!) || at === 0 || ".-_".includes(stem[at - 1]!);
    const after = at + 7;
    const endsWell = after === stem.length || (".-_".includes(stem[after]!) && after + 1 > lastOdd);
    if (startsWord && endsWell) return true;
  }
  return false;
}

export function isDockerfile(path: string): boolean {
  const name = base(path);
  return /^(Dockerfile|Containerfile)(\.[\w.-]+)?$/i.test(name) || /\.(dockerfile|containerfile)$/i.test(name);
}

export function isScriptFile(path: string): boolean {
  return /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/i.test(path) && !/\.d\.[mc]?ts$/i.test(path);
}
