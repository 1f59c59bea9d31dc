import { isScalar, visit } from "yaml";
import { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { envScopes } from "../env-scopes.js";
import { isComposeFile, isDeployedEnvFile, isDockerfile, isEnvFile, isEnvTemplate, isScriptFile } from "../file-kinds.js";
import { envVarName, isBooleanLiteral, propertyName, span, unwrap, visitScript } from "../parsers/script.js";
import { rangeOf, scalarText, sourceOf } from "../parsers/yaml-source.js";

const ENV_MESSAGE = "NODE_TLS_REJECT_UNAUTHORIZED=0 switches off certificate checks for every HTTPS call the process makes";
const OPTION_MESSAGE = "rejectUnauthorized: false accepts any certificate: the connection can be intercepted";

export function check(file: FileContext): ScanReport[] {
  if (isScriptFile(file.path)) return script(file);
  if (isDeployedEnvFile(file.path) || isComposeFile(file.path) || isDockerfile(file.path)) return envs(file);
  if (isEnvFile(file.path) && isEnvTemplate(file.path)) return [];
  if (/\.ya?ml$/i.test(file.path)) return yamlFile(file);
  if (isShellLike(file)) return otherText(file);
  return [];
}

/** Shell scripts, Makefiles, Procfiles, fly.toml and package.json scripts: line-based. */
function isShellLike(file: FileContext): boolean {
  const name = file.path.slice(file.path.lastIndexOf("/") + 1);
  if (/\.(sh|bash|zsh|ksh|toml|ps1)$/i.test(name) || /^(Makefile|Procfile|package\.json|\.envrc)$/.test(name)) return true;
  return !name.includes(".") && file.text.startsWith("#!");
}

/**
 * Kubernetes/Helm/CI YAML: `NODE_TLS_REJECT_UNAUTHORIZED: "0"` maps, `{ name: NODE_TLS_REJECT_UNAUTHORIZED, value: "0" }`
 * env lists, and commands in `run:`/`command:`/`script:` strings. Other strings (descriptions, docs) are prose.
 */
function yamlFile(file: FileContext): ScanReport[] {
  const doc = file.yaml;
  if (!doc) return [];
  const reports: ScanReport[] = [];
  visit(doc, {
    Pair(_key, pair) {
      const key = scalarText(pair.key);
      const value = scalarText(pair.value)?.trim();
      if (key === "NODE_TLS_REJECT_UNAUTHORIZED" && value === "0")
        reports.push({ message: ENV_MESSAGE, start: rangeOf(pair.key)[0], end: rangeOf(pair.value)[1] });
      if (key === "name" && value === "NODE_TLS_REJECT_UNAUTHORIZED") return;
      if (key !== undefined && COMMAND_KEYS.has(key) && isScalar(pair.value)) {
        const { raw, start } = sourceOf(file.text, pair.value);
        reports.push(...otherText(new FileContext({ path: file.path, text: raw })).map((r) => ({ ...r, start: r.start + start, end: r.end + start })));
      }
    },
    Map(_key, map) {
      if (scalarText(map.get("name", true)) === "NODE_TLS_REJECT_UNAUTHORIZED" && scalarText(map.get("value", true))?.trim() === "0") {
        const [start, end] = rangeOf(map);
        reports.push({ message: ENV_MESSAGE, start, end });
      }
    },
  });
  return reports;
}

const COMMAND_KEYS = new Set(["run", "command", "script", "entrypoint", "args", "cmd", "before_script", "after_script"]);

function envs(file: FileContext): ScanReport[] {
  return envScopes(file)
    .flatMap((s) => s.entries)
    .filter((e) => e.key === "NODE_TLS_REJECT_UNAUTHORIZED" && /^["']?0["']?$/.test(e.value.trim()))
    .map((e) => ({ message: ENV_MESSAGE, start: e.keyStart, end: e.valueEnd }));
}

/** Shell scripts, workflow `env:` blocks, fly.toml...: line-based, comments skipped. */
function otherText(file: FileContext): ScanReport[] {
  if (/\.(md|mdx|txt|rst|adoc|html)$/i.test(file.path)) return [];
  const reports: ScanReport[] = [];
  const re = /NODE_TLS_REJECT_UNAUTHORIZED["']?\s*[:=]\s*["']?0(?![\d.])/g;
  for (let m = re.exec(file.text); m; m = re.exec(file.text)) {
    const lineStart = file.text.lastIndexOf("\n", m.index) + 1;
    if (/^\s*(#|\/\/)/.test(file.text.slice(lineStart, m.index))) continue;
    reports.push({ message: ENV_MESSAGE, start: m.index, end: m.index + m[0].length });
  }
  return reports;
}

function script(file: FileContext): ScanReport[] {
  const reports: ScanReport[] = [];
  visitScript(file, (node) => {
    if (
      node.type === "ObjectProperty" &&
      propertyName(node.key, node.computed) === "rejectUnauthorized" &&
      isBooleanLiteral(unwrap(node.value as never), false)
    ) {
      reports.push({ message: OPTION_MESSAGE, ...span(node) });
    }
    if (node.type === "AssignmentExpression" && envVarName(node.left as never) === "NODE_TLS_REJECT_UNAUTHORIZED") {
      const right = unwrap(node.right);
      if ((right.type === "StringLiteral" && right.value === "0") || (right.type === "NumericLiteral" && right.value === 0)) {
        reports.push({ message: ENV_MESSAGE, ...span(node) });
      }
    }
  });
  return reports;
}
