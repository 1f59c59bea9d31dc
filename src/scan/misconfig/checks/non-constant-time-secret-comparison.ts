import type { Node } from "@babel/types";
import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { calleeName, enclosingFunction, envVarName, propertyName, span, unwrap, visitScript } from "../parsers/script.js";
import { isSecretHeader, isSecretName, nameWords } from "../secret-names.js";

const OPERATORS = new Set(["===", "==", "!==", "!="]);

/**
 * ELZ-004: `===` on a secret returns as soon as a character differs, so response timing leaks how
 * much of a guess was right. Flags comparisons of two runtime values where one is a secret (env
 * var, credential header or secret-named identifier). Comparisons with literals (`=== undefined`,
 * `=== 'production'`, `=== 'changeme'`) and length checks are not timing oracles.
 */
export function check(file: FileContext): ScanReport[] {
  const candidates: Array<{ report: ScanReport; scope: Node | undefined }> = [];
  // Functions (and the program) that call a constant-time compare, marked in the same pass: walking each
  // comparison's function again was quadratic in a file of top-level comparisons.
  const safeScopes = new Set<Node>();
  visitScript(file, (node, ancestors) => {
    if ((node.type === "CallExpression" || node.type === "OptionalCallExpression") && CONSTANT_TIME.includes(calleeName(node).name ?? "")) {
      markScopes(ancestors, safeScopes);
      return;
    }
    if (node.type !== "BinaryExpression" || !OPERATORS.has(node.operator)) return;
    const left = unwrap(node.left as Node);
    const right = unwrap(node.right);
    if (isLiteralLike(left) || isLiteralLike(right)) return;
    const secret = secretSide(left) ?? secretSide(right);
    if (!secret || isPublicName(left) || isPublicName(right) || isNotASecretValue(left) || isNotASecretValue(right)) return;
    const report = {
      message: `${secret} is compared with ${node.operator}, which leaks timing; compare with crypto.timingSafeEqual on equal-length buffers (or HMAC digests)`,
      ...span(node),
    };
    candidates.push({ report, scope: enclosingFunction(ancestors) });
  });
  return candidates.filter((c) => !c.scope || !safeScopes.has(c.scope)).map((c) => c.report);
}

const CONSTANT_TIME = ["timingSafeEqual", "safeCompare", "constantTimeEqual", "timingSafeCompare"];

/** Every function around a call, and the program; stops at one already marked (its outer scopes are too). */
function markScopes(ancestors: readonly Node[], marked: Set<Node>): void {
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const a = ancestors[i]!;
    if (i !== 0 && !FUNCTION_TYPES.has(a.type)) continue;
    if (marked.has(a)) return;
    marked.add(a);
  }
}

const FUNCTION_TYPES = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression", "ObjectMethod", "ClassMethod", "ClassPrivateMethod"]);

/**
 * Operands that hold no secret value even with a secret-like name: a confirmation field typed by the same
 * user (`password === confirmPassword`), a redaction sentinel (`value === REDACTED`), and a secret's
 * *name* (`key === secretKeyName`, `envVar === SECRET_ENV_VARS[i]`).
 */
function isNotASecretValue(node: Node): boolean {
  const name = operandName(node);
  if (!name) return false;
  const words = nameWords(name);
  return words.some((w) => NOT_A_VALUE.has(w));
}

const NOT_A_VALUE = new Set([
  "CONFIRM",
  "CONFIRMATION",
  "CONFIRMED",
  "REPEAT",
  "REPEATED",
  "RETYPE",
  "RETYPED",
  "REDACTED",
  "MASKED",
  "MASK",
  "PLACEHOLDER",
  "SENTINEL",
  "NAME",
  "NAMES",
  "LABEL",
  "FIELD",
  "PREFIX",
  "SUFFIX",
  "ENVVAR",
  "VAR",
  "VARS",
]);

function isLiteralLike(node: Node): boolean {
  switch (node.type) {
    case "StringLiteral":
    case "NumericLiteral":
    case "BooleanLiteral":
    case "NullLiteral":
    case "BigIntLiteral":
    case "RegExpLiteral":
      return true;
    case "TemplateLiteral":
      return node.expressions.length === 0;
    case "Identifier":
      return node.name === "undefined";
    case "UnaryExpression":
      return node.operator === "typeof" || node.operator === "void" || isLiteralLike(unwrap(node.argument));
    case "MemberExpression":
    case "OptionalMemberExpression":
      return propertyName(node.property, node.computed) === "length";
    default:
      return false;
  }
}

/**
 * A description of the secret this expression holds, or undefined. A bare `token` is too common in
 * parsers and lexers (`token === nextToken`) to count on its own; `apiKey`, `authToken`, `secret`,
 * `password`, `signature`, secret env vars and credential headers do.
 */
function secretSide(node: Node): string | undefined {
  const env = envVarName(node);
  if (env) return isTimingSecretName(env) ? `process.env.${env}` : undefined;
  const header = headerName(node);
  if (header) return isSecretHeader(header) ? `the ${header} header` : undefined;
  // `Bearer ${process.env.API_TOKEN}`: a string built around a secret is as sensitive as the secret.
  if (node.type === "TemplateLiteral") {
    for (const part of node.expressions) {
      const inner = secretSide(unwrap(part as Node));
      if (inner) return `a string built from ${inner}`;
    }
    return undefined;
  }
  const name = operandName(node);
  // Capitalised names with lower-case letters are enum members and types (`SyntaxKind.CallSignature`,
  // `SyntaxKind.JSDocSignature`), not values; ALL_CAPS constants (`API_KEY`) are values.
  if (!name || /^[A-Z](?=.*[a-z])/.test(name)) return undefined;
  return isStrongSecretName(name) ? name : undefined;
}

/** A salt is stored next to the hash and is no secret, so how fast it compares leaks nothing. */
function isTimingSecretName(name: string): boolean {
  const words = nameWords(name);
  const last = words.at(-1) === "BASE" || words.at(-1) === "VALUE" ? words.at(-2) : words.at(-1);
  return isSecretName(name) && last !== "SALT";
}

function isStrongSecretName(name: string): boolean {
  const words = nameWords(name);
  // Webhook signatures and HMACs are the classic timing-attack target.
  if (words.at(-1) === "SIGNATURE" || words.at(-1) === "HMAC") return true;
  if (!isTimingSecretName(name)) return false;
  if (words.length === 1 && words[0] === "TOKEN") return false;
  // `exclamationToken`, `nextToken`: syntax tokens; `apiToken`, `authToken`, `accessToken`: credentials.
  if (words.at(-1) === "TOKEN") return words.some((w) => CREDENTIAL_QUALIFIERS.has(w));
  return true;
}

const CREDENTIAL_QUALIFIERS = new Set([
  "API",
  "AUTH",
  "ACCESS",
  "REFRESH",
  "BEARER",
  "SESSION",
  "CSRF",
  "XSRF",
  "SECRET",
  "SERVICE",
  "INTERNAL",
  "ADMIN",
  "WEBHOOK",
  "VERIFY",
  "VERIFICATION",
  "CLIENT",
  "SERVER",
  "EXPECTED",
  "PROVIDED",
  "GIVEN",
  "ID",
  "JWT",
  "BOT",
]);

/** The other operand names something public (`username === password` is a heuristic, not a login check). */
function isPublicName(node: Node): boolean {
  if (node.type !== "Identifier") return false;
  const last = nameWords(node.name).at(-1) ?? "";
  return ["USER", "USERNAME", "EMAIL", "NAME", "LOGIN", "TYPE", "KIND", "MODE", "ENV", "HOST", "URL", "PATH"].includes(last);
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

/** The name an operand goes by: an identifier's, or a member expression's property. */
function operandName(node: Node): string | undefined {
  if (node.type === "Identifier") return node.name;
  if (node.type === "MemberExpression" || node.type === "OptionalMemberExpression") return propertyName(node.property, node.computed);
  return undefined;
}
