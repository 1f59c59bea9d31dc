import type { Node } from "@babel/types";
import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { calleeName, envVarName, span, unwrap, visitScript } from "../parsers/script.js";

const HOST_SETTING = /^(SERVER_HOST|HOST|HOSTNAME|BIND|BIND_HOST|BIND_ADDRESS|LISTEN_HOST|LISTEN_ADDRESS)$/;
const EVERY_INTERFACE = new Set(["0.0.0.0", "::", "[::]"]);

/**
 * ELZ-001 as a code default: `process.env.SERVER_HOST || '0.0.0.0'` makes an agent server whose operator set
 * nothing listen on every interface, and in elizaOS the API token is optional, so the default deployment
 * answers anyone who can reach the port. Loopback by default (`|| '127.0.0.1'`) is the safe shape.
 */
export function check(file: FileContext): ScanReport[] {
  const reports: ScanReport[] = [];
  visitScript(file, (node) => {
    if (node.type !== "LogicalExpression" || (node.operator !== "||" && node.operator !== "??")) return;
    const setting = hostSetting(unwrap(node.left as Node));
    const fallback = unwrap(node.right);
    if (!setting || fallback.type !== "StringLiteral" || !EVERY_INTERFACE.has(fallback.value)) return;
    reports.push({
      message: `${setting} falls back to ${fallback.value}: with the variable unset the server listens on every interface, and unless it refuses to start without ELIZA_SERVER_AUTH_TOKEN its API answers anyone; default to 127.0.0.1`,
      ...span(node.right),
    });
  });
  return reports;
}

function hostSetting(node: Node): string | undefined {
  const env = envVarName(node);
  if (env) return HOST_SETTING.test(env) ? `process.env.${env}` : undefined;
  if (node.type !== "CallExpression" && node.type !== "OptionalCallExpression") return undefined;
  const { name } = calleeName(node);
  const arg = node.arguments[0];
  if ((name === "getSetting" || name === "get") && arg?.type === "StringLiteral" && HOST_SETTING.test(arg.value)) return `${name}("${arg.value}")`;
  return undefined;
}
