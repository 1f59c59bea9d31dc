import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { isDockerfile, isScriptFile } from "../file-kinds.js";
import { keyValues } from "../parsers/dockerfile.js";
import { envVarName, span, unwrap, visitScript } from "../parsers/script.js";

const TOKEN = "ELIZA_SERVER_AUTH_TOKEN";
const MESSAGE = `${TOKEN} is cleared before the server starts, which switches API authentication off (the middleware lets everything through when the token is unset)`;

/** ELZ-002: start scripts and wrappers that blank the token (seen in a third-party Railway start script). */
export function check(file: FileContext): ScanReport[] {
  if (isScriptFile(file.path)) return code(file);
  if (isDockerfile(file.path)) return dockerfile(file);
  return shell(file);
}

function code(file: FileContext): ScanReport[] {
  const reports: ScanReport[] = [];
  visitScript(file, (node) => {
    if (node.type === "AssignmentExpression" && envVarName(node.left as never) === TOKEN) {
      const right = unwrap(node.right);
      const empty = (right.type === "StringLiteral" && right.value.trim() === "") || (right.type === "Identifier" && right.name === "undefined");
      if (empty) reports.push({ message: MESSAGE, ...span(node) });
    }
    if (node.type === "UnaryExpression" && node.operator === "delete" && envVarName(node.argument) === TOKEN) {
      reports.push({ message: MESSAGE, ...span(node) });
    }
  });
  return reports;
}

function dockerfile(file: FileContext): ScanReport[] {
  return file.dockerfile
    .filter((i) => i.keyword === "ENV" && keyValues(i).some((kv) => kv.key === TOKEN && (kv.value ?? "").trim() === ""))
    .map((i) => ({ message: MESSAGE, start: i.start, end: i.end }));
}

/** `export ELIZA_SERVER_AUTH_TOKEN=`, `ELIZA_SERVER_AUTH_TOKEN="" node ...`, `unset ELIZA_SERVER_AUTH_TOKEN`. */
function shell(file: FileContext): ScanReport[] {
  const reports: ScanReport[] = [];
  const re = new RegExp(`(?:^|[\\s;&|"'])(?:(?:export\\s+)?${TOKEN}=(?:""|''|(?=[\\s;&|"']|$))|unset\\s+${TOKEN}\\b)`, "gm");
  for (let m = re.exec(file.text); m; m = re.exec(file.text)) {
    const lineStart = file.text.lastIndexOf("\n", m.index) + 1;
    if (/^\s*#/.test(file.text.slice(lineStart, m.index + 1))) continue;
    const start = m.index + (m[0].length - m[0].trimStart().length);
    reports.push({ message: MESSAGE, start, end: m.index + m[0].length });
  }
  return reports;
}
