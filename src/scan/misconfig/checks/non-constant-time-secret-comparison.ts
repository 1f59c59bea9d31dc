import type { Node } from "@babel/types";
import type { ScanFile, ScanReport } from "../../rule.js";
import { calleeName, containsCall, enclosingFunction, envVarName, propertyName, span, unwrap, visitScript } from "../parsers/script.js";
import { isSecretHeader, isSecretName } from "../secret-names.js";

const OPERATORS = new Set(["===", "==", "!==", "!="]);

/**
 * ELZ-004: `===` on a secret returns as soon as a character differs, so response timing leaks how
 * much of a guess was right. Flags comparisons of two runtime values where one is a secret (env
 * var, credential header or secret-named identifier). Comparisons with literals (`=== undefined`,
 * `=== 'production'`, `=== 'changeme'`) and length checks are not timing oracles.
 */
export function check(file: ScanFile): ScanReport[] {
  const reports: ScanReport[] = [];
  visitScript(file.path, file.text, (node, ancestors) => {
    if (node.type !== "BinaryExpression" || !OPERATORS.has(node.operator)) return;
    const left = unwrap(node.left as Node);
    const right = unwrap(node.right);
    if (isLiteralLike(left) || isLiteralLike(right)) return;
    const secret = secretSide(left) ?? secretSide(right);
    if (!secret) return;
    const fn = enclosingFunction(ancestors);
    if (fn && containsCall(fn, ["timingSafeEqual", "safeCompare", "constantTimeEqual", "timingSafeCompare"])) return;
    reports.push({ message: `${secret} is compared with ${node.operator}, which leaks timing; compare with crypto.timingSafeEqual on equal-length buffers (or HMAC digests)`, ...span(node) });
  });
  return reports;
}

function isLiteralLike(node: Node): boolean {
  switch (node.type) {
    case "StringLiteral": case "NumericLiteral": case "BooleanLiteral": case "NullLiteral": case "BigIntLiteral": case "RegExpLiteral":
      return true;
    case "TemplateLiteral":
      return node.expressions.length === 0;
    case "Identifier":
      return node.name === "undefined";
    case "UnaryExpression":
      return node.operator === "typeof" || node.operator === "void" || isLiteralLike(unwrap(node.argument));
    case "MemberExpression": case "OptionalMemberExpression":
      return propertyName(node.property, node.computed) === "length";
    default:
      return false;
  }
}

/** A description of the secret this expression holds, or undefined. */
function secretSide(node: Node): string | undefined {
  const env = envVarName(node);
  if (env) return isSecretName(env) ? `process.env.${env}` : undefined;
  const header = headerName(node);
  if (header) return isSecretHeader(header) ? `the ${header} header` : undefined;
  if (node.type === "Identifier" && isSecretName(node.name)) return node.name;
  if ((node.type === "MemberExpression" || node.type === "OptionalMemberExpression")) {
    const name = propertyName(node.property, node.computed);
    if (name && isSecretName(name)) return name;
  }
  return undefined;
}

/** `req.headers['x-api-key']`, `req.headers.authorization`, `req.get('Authorization')`, `req.header('x-api-key')`. */
function headerName(node: Node): string | undefined {
  if (node.type === "MemberExpression" || node.type === "OptionalMemberExpression") {
    const object = unwrap(node.object);
    if ((object.type === "MemberExpression" || object.type === "OptionalMemberExpression") && propertyName(object.property, object.computed) === "headers") {
      return propertyName(node.property, node.computed);
    }
    return undefined;
  }
  if (node.type === "CallExpression" || node.type === "OptionalCallExpression") {
    const { name } = calleeName(node);
    const arg = node.arguments[0];
    if ((name === "get" || name === "header" || name === "getHeader") && arg?.type === "StringLiteral") return arg.value;
  }
  return undefined;
}
