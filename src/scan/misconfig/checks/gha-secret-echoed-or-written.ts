import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { expressionsIn, linesIn, parseWorkflow } from "../parsers/workflow.js";
import { mapEntries, mapValue, scalarText } from "../parsers/yaml-source.js";

const WRITES = /\b(echo|printf|cat|tee)\b|>>?|\bset\s+-x\b/;

/** `sed -i`, `sed -E -i`: the flags after each `sed` are read once, left to right (a regex with `(-\w*\s+)*` was quadratic). */
function editsInPlace(line: string): boolean {
  const flag = /-\w*\s+/y;
  for (const m of line.matchAll(/\bsed\s+/g)) {
    let at = m.index + m[0].length;
    for (;;) {
      if (line.startsWith("-i", at) && !/\w/.test(line[at + 2] ?? "")) return true;
      flag.lastIndex = at;
      if (!flag.exec(line)) break;
      at = flag.lastIndex;
    }
  }
  return false;
}

/**
 * GHA012: a secret echoed, printed or redirected into a file leaves the masked log and lands in
 * files that later steps, caches or artifacts can carry away (`echo "//registry...:_authToken=$TOKEN" > ~/.npmrc`).
 * Both `${{ secrets.X }}` and shell variables fed from secrets (`env: TOKEN: ${{ secrets.X }}`) count.
 */
export function check(file: FileContext): ScanReport[] {
  const wf = parseWorkflow(file);
  if (!wf) return [];
  const reports: ScanReport[] = [];
  const workflowSecrets = secretEnvNames(file.text, mapValue(wf.root, "env"));
  for (const job of wf.jobs) {
    const jobSecrets = new Set([...workflowSecrets, ...secretEnvNames(file.text, mapValue(job.node, "env"))]);
    for (const step of job.steps) {
      if (!step.run) continue;
      const names = new Set([...jobSecrets, ...secretEnvNames(file.text, mapValue(step.node, "env"))]);
      for (const { line, start } of linesIn(file.text, step.run.node)) {
        if (!(WRITES.test(line) || editsInPlace(line)) || /::add-mask::/.test(line) || /^\s*#/.test(line)) continue;
        const direct = /\$\{\{\s*secrets\.(?!GITHUB_TOKEN\b)([A-Za-z0-9_]+)/.exec(line);
        const viaEnv = [...names].find((n) => new RegExp(`\\$\\{?${n}\\b|\\$\\{\\{\\s*env\\.${n}\\b`).test(line));
        const secret = direct?.[1] ?? viaEnv;
        if (!secret || isNotSensitive(secret) || isNecessaryFile(secret, line) || (!direct && writesEnvFile(line))) continue;
        const at = start + line.search(/\S/);
        reports.push({
          message: `secret ${secret} is echoed or written to a file in job "${job.id}"; pass it to the tool through env: (e.g. NODE_AUTH_TOKEN with setup-node) instead`,
          start: at,
          end: start + line.length,
        });
      }
    }
  }
  return reports;
}

/** Stored as secrets for convenience, but identifiers: `APPLE_TEAM_ID`, `DEPLOY_HOST`, `DOCKER_USERNAME`. */
function isNotSensitive(name: string): boolean {
  return /(^|_)(ID|HOST|HOSTNAME|USERNAME|USER|LOGIN|EMAIL|URL|DOMAIN|REGION|ORG|ORGANIZATION|PROJECT|BUCKET|PORT|NAME)$/.test(name);
}

/** Where a line writes: `> file`, `>> file`, `tee [-a] file`, `-o file`, `--output file`. */
function writeTarget(line: string): string | undefined {
  return /(?:>>?\s*|\btee\s+(?:-a\s+)?|\s-o\s+|--output[=\s]+)["']?([^\s"';|&]+)/.exec(line)?.[1];
}

/**
 * Signing certificates, provisioning profiles and SSH or GPG keys have to be files for the tools that use
 * them: decoding one into a file (not the log) is how they are meant to be used.
 */
function isNecessaryFile(name: string, line: string): boolean {
  if (!/CERT|P12|PFX|PROVISION|PROFILE|SSH|GPG|PGP|PEM|KEYSTORE|JKS|KEYCHAIN|SIGNING|PRIVATE_KEY|KEY_FILE|DEPLOY_KEY/.test(name)) return false;
  // `echo -n "$CERT" | \` continues into `base64 --decode -o file` on the next line.
  if (endsInPipe(line)) return true;
  const target = writeTarget(line);
  return target !== undefined && !/^\/dev\/(stdout|stderr)$/.test(target);
}

/**
 * `echo "OPENAI_API_KEY=$OPENAI_API_KEY" > .env` in a test job: the secret is already in the step's
 * environment (that is how the line reads it), so the runner-local .env the test loads exposes nothing new.
 * A token written into ~/.npmrc or a config that is uploaded or cached is still reported.
 */
function writesEnvFile(line: string): boolean {
  return /(^|\/)\.env(\.[\w.-]+)?$/.test(writeTarget(line) ?? "");
}

/** Names in an `env:` map whose value reads a repository secret. */
function secretEnvNames(text: string, env: unknown): string[] {
  return mapEntries(env).flatMap(({ key, pair }) => {
    const value = scalarText(pair.value) ?? "";
    if (/secrets\.GITHUB_TOKEN\b|github\.token\b/.test(value) && !/secrets\.(?!GITHUB_TOKEN\b)/.test(value)) return [];
    return expressionsIn(text, pair.value).some((e) => /\bsecrets\./.test(e.body)) ? [key] : [];
  });
}

/** The line ends in `|` (optionally continued with `\`). */
function endsInPipe(line: string): boolean {
  let end = line.trimEnd();
  if (end.endsWith("\\")) end = end.slice(0, -1).trimEnd();
  return end.endsWith("|");
}
