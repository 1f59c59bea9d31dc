import type { Node } from "@babel/types";
import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { calleeName, isBooleanLiteral, objectProperty, propertyValue, resolveObject, span, unwrap, visitScript } from "../parsers/script.js";

/**
 * ELZ-019: any web page the user visits can make credentialed requests and read the answers.
 * Covers the `cors` package, Nest's `enableCors` and Fastify's `register(cors, ...)` options (inline or
 * bound to a name in the same file), and hand-written headers that echo the
 * request's Origin next to Allow-Credentials: true.
 */
export function check(file: FileContext): ScanReport[] {
  const reports: ScanReport[] = [];
  visitScript(file, (node) => {
    if (node.type === "CallExpression") {
      const { name } = calleeName(node);
      if (name === "cors" || name === "enableCors" || name === "corsMiddleware") {
        const options = resolveObject(node.arguments[0] as Node | undefined, file);
        if (options) corsOptions(options, reports);
      }
      if (name === "setHeader" || name === "header" || name === "set") echoedOriginHeader(node, file.text, reports);
      // Fastify: server.register(cors, { ... }) / register(fastifyCors, { ... }).
      const plugin = node.arguments[0] ? unwrap(node.arguments[0] as Node) : undefined;
      if (name === "register" && plugin?.type === "Identifier" && /cors/i.test(plugin.name)) {
        const options = resolveObject(node.arguments[1] as Node | undefined, file);
        if (options) corsOptions(options, reports);
      }
    }
  });
  return reports;
}

function corsOptions(options: Node, reports: ScanReport[]): void {
  if (options.type !== "ObjectExpression") return;
  if (!isBooleanLiteral(propertyValue(options, "credentials"), true)) return;
  const origin = propertyValue(options, "origin");
  const prop = objectProperty(options, "origin");
  if (!origin || !prop || !allowsAnyOrigin(origin)) return;
  reports.push({
    message: "CORS allows any origin together with credentials: any web page can call this API with the user's cookies or tokens and read the answer",
    ...span(prop),
  });
}

/** `true`, `'*'`, a match-all regex, `X || true`, `X ?? '*'`, or a callback that approves every origin. */
export function allowsAnyOrigin(node: Node): boolean {
  const n = unwrap(node);
  if (isBooleanLiteral(n, true)) return true;
  if (n.type === "StringLiteral") return n.value === "*";
  if (n.type === "RegExpLiteral") return n.pattern === ".*" || n.pattern === ".+" || n.pattern === "^.*$";
  if (n.type === "LogicalExpression" && (n.operator === "||" || n.operator === "??")) return allowsAnyOrigin(n.right);
  if (n.type === "ConditionalExpression") return allowsAnyOrigin(n.consequent) || allowsAnyOrigin(n.alternate);
  if (n.type === "ArrowFunctionExpression" || n.type === "FunctionExpression") return callbackApprovesAll(n);
  return false;
}

/** `(origin, cb) => cb(null, true)` or `cb(null, origin)` with no branch on the origin. */
function callbackApprovesAll(fn: Node): boolean {
  if (fn.type !== "ArrowFunctionExpression" && fn.type !== "FunctionExpression") return false;
  const [originParam, cbParam] = fn.params;
  if (cbParam?.type !== "Identifier") return false;
  const body = fn.body.type === "BlockStatement" ? fn.body.body : [{ type: "ExpressionStatement", expression: fn.body } as Node];
  if (body.length !== 1) return false;
  const statement = body[0]!;
  const call =
    statement.type === "ExpressionStatement"
      ? unwrap(statement.expression)
      : statement.type === "ReturnStatement" && statement.argument
        ? unwrap(statement.argument)
        : undefined;
  if (
    call?.type !== "CallExpression" ||
    unwrap(call.callee as Node).type !== "Identifier" ||
    (unwrap(call.callee as Node) as { name: string }).name !== cbParam.name
  )
    return false;
  const approval = call.arguments[1] ? unwrap(call.arguments[1] as Node) : undefined;
  if (!approval) return false;
  if (isBooleanLiteral(approval, true)) return true;
  return approval.type === "Identifier" && originParam?.type === "Identifier" && approval.name === originParam.name;
}

/** `res.setHeader('Access-Control-Allow-Origin', req.headers.origin)` while the same code sends Allow-Credentials: true. */
function echoedOriginHeader(node: Node, text: string, reports: ScanReport[]): void {
  if (node.type !== "CallExpression") return;
  const [nameArg, valueArg] = node.arguments;
  if (nameArg?.type !== "StringLiteral" || nameArg.value.toLowerCase() !== "access-control-allow-origin" || !valueArg) return;
  const value = unwrap(valueArg as Node);
  const source = text.slice(value.start ?? 0, value.end ?? 0);
  if (!/\borigin\b/i.test(source) || (!/headers/.test(source) && !/^origin$/i.test(source))) return;
  if (!/access-control-allow-credentials['"]\s*,\s*['"]?true/i.test(text)) return;
  reports.push({
    message: "the request's Origin is echoed in Access-Control-Allow-Origin with credentials allowed: any site can read authenticated responses",
    ...span(node),
  });
}
