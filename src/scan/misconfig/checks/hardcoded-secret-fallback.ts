import type { Node } from "@babel/types";
import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { calleeName, envVarName, isEnvObject, propertyName, span, unwrap, visitScript } from "../parsers/script.js";
import { isSecretName } from "../secret-names.js";

/**
 * ELZ-028: `process.env.JWT_SECRET || 'dev-secret'` ships a secret everyone can read in the source,
 * and the app silently runs with it when the variable is missing. Non-secret defaults
 * (`PORT || 3000`, `LOG_LEVEL ?? 'info'`) and empty-string fallbacks are fine.
 */
export function check(file: FileContext): ScanReport[] {
  const reports: ScanReport[] = [];
  visitScript(file, (node) => {
    if (node.type === "LogicalExpression" && (node.operator === "||" || node.operator === "??")) {
      const name = secretSource(unwrap(node.left as Node));
      const literal = literalString(unwrap(node.right));
      if (name && literal) reports.push(report(name, node.right, literal));
    }
    // const { JWT_SECRET = 'x' } = process.env
    if (node.type === "VariableDeclarator" && node.id.type === "ObjectPattern" && node.init && isEnvObject(unwrap(node.init))) {
      for (const prop of node.id.properties) {
        if (prop.type !== "ObjectProperty" || prop.value.type !== "AssignmentPattern") continue;
        const name = propertyName(prop.key, prop.computed);
        const literal = literalString(unwrap(prop.value.right));
        if (name && isSecretName(name) && literal) reports.push(report(name, prop.value.right, literal));
      }
    }
  });
  return reports;
}

function report(name: string, at: Node, literal: string): ScanReport {
  return {
    message: `${name} falls back to a hard-coded value: when the variable is unset the app runs with a secret published in the source; fail at startup instead`,
    ...span(at),
    secret: literal,
  };
}

/** `process.env.X`, `runtime.getSetting('X')`, `config.get('X')` with a secret-named X. */
function secretSource(node: Node): string | undefined {
  const env = envVarName(node);
  if (env) return isSecretName(env) ? env : undefined;
  if (node.type === "CallExpression" || node.type === "OptionalCallExpression") {
    const { name } = calleeName(node);
    const arg = node.arguments[0];
    if ((name === "getSetting" || name === "getEnv" || name === "get") && arg?.type === "StringLiteral" && isSecretName(arg.value)) return arg.value;
  }
  return undefined;
}

function literalString(node: Node): string | undefined {
  if (node.type === "StringLiteral") return node.value.trim() === "" ? undefined : node.value;
  if (node.type === "TemplateLiteral" && node.expressions.length === 0) {
    const raw = node.quasis.map((q) => q.value.cooked ?? q.value.raw).join("");
    return raw.trim() === "" ? undefined : raw;
  }
  return undefined;
}
