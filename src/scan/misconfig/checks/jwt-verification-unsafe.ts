import type { Node } from "@babel/types";
import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import {
  calleeName,
  containsCall,
  enclosingFunction,
  isBooleanLiteral,
  objectProperty,
  propertyName,
  propertyValue,
  span,
  unwrap,
  visitScript,
  walk,
} from "../parsers/script.js";

/**
 * Token checks that accept forged or stale tokens: the `none` algorithm, `ignoreExpiration: true`,
 * and `jwt.decode()` / `decodeJwt()` (no signature check) in code that never verifies.
 */
export function check(file: FileContext): ScanReport[] {
  const reports: ScanReport[] = [];
  visitScript(file, (node, ancestors) => {
    if (node.type === "ObjectProperty" && propertyName(node.key, node.computed) === "algorithms") {
      const value = unwrap(node.value as Node);
      if (value.type === "ArrayExpression" && value.elements.some((e) => e?.type === "StringLiteral" && e.value.toLowerCase() === "none")) {
        reports.push({ message: "the 'none' algorithm is accepted: anyone can mint an unsigned token that verifies", ...span(node) });
      }
    }
    if (node.type === "ObjectProperty" && propertyName(node.key, node.computed) === "ignoreExpiration" && isBooleanLiteral(unwrap(node.value as Node), true)) {
      reports.push({ message: "ignoreExpiration: true accepts expired tokens forever; a leaked token never stops working", ...span(node) });
    }
    if (node.type === "CallExpression") {
      const { name, object } = calleeName(node);
      const decodes =
        (name === "decode" && object !== undefined && /^(jwt|jsonwebtoken|jwtLib|JWT)$/.test(object)) ||
        name === "decodeJwt" ||
        name === "jwtDecode" ||
        name === "jwt_decode";
      if (!decodes) return;
      const fn = enclosingFunction(ancestors);
      if (fn && containsCall(fn, ["verify", "jwtVerify", "verifyToken", "verifyJwt", "verifyAsync"])) return;
      if (readsOnlyTiming(node, ancestors, fn)) return;
      const options = node.arguments[1] ? unwrap(node.arguments[1] as Node) : undefined;
      if (options && objectProperty(options, "complete") && isBooleanLiteral(propertyValue(options, "complete"), true) && fn && containsCall(fn, ["verify"]))
        return;
      reports.push({
        message: `${object ? `${object}.` : ""}${name}() reads a token without checking its signature; use jwt.verify / jwtVerify with a pinned algorithm`,
        ...span(node),
      });
    }
  });
  return reports;
}

/** Claims a client reads to schedule a refresh; trusting a forged one only refreshes early or late. */
const TIMING_CLAIMS = new Set(["exp", "iat", "nbf"]);
const WRAPPERS = new Set(["TSAsExpression", "TSNonNullExpression", "TSTypeAssertion", "TSSatisfiesExpression", "ParenthesizedExpression"]);

/**
 * `jwt.decode(token).exp`, `const { exp } = jwt.decode(token)`, or `const d = jwt.decode(token)` used only as
 * `d.exp` (and null checks): reading when a token expires, to refresh it, trusts nothing in it.
 */
function readsOnlyTiming(decodeCall: Node, ancestors: readonly Node[], fn: Node | undefined): boolean {
  // Climb through `as T`, `!` and parentheses: `(jwt.decode(t) as Claims).exp`.
  let call = decodeCall;
  let i = ancestors.length - 1;
  while (i >= 0 && WRAPPERS.has(ancestors[i]!.type)) call = ancestors[i--]!;
  const parent = ancestors[i];
  if (!parent) return false;
  if ((parent.type === "MemberExpression" || parent.type === "OptionalMemberExpression") && parent.object === call)
    return TIMING_CLAIMS.has(propertyName(parent.property, parent.computed) ?? "");
  if (parent.type !== "VariableDeclarator" || parent.init !== call) return false;
  if (parent.id.type === "ObjectPattern") {
    return parent.id.properties.every((p) => p.type === "ObjectProperty" && TIMING_CLAIMS.has(propertyName(p.key, p.computed) ?? ""));
  }
  if (parent.id.type !== "Identifier" || !fn) return false;
  return onlyTimingUses(fn, parent.id.name, parent.id);
}

function onlyTimingUses(scope: Node, name: string, declaration: Node): boolean {
  let timing = 0;
  let other = 0;
  walk(scope, (node, ancestors) => {
    if (node === declaration || node.type !== "Identifier" || node.name !== name) return;
    const parent = ancestors[ancestors.length - 1];
    if ((parent?.type === "MemberExpression" || parent?.type === "OptionalMemberExpression") && parent.object === node) {
      if (TIMING_CLAIMS.has(propertyName(parent.property, parent.computed) ?? "")) timing++;
      else other++;
      return;
    }
    if (parent?.type === "UnaryExpression" && (parent.operator === "!" || parent.operator === "typeof")) return;
    if (parent?.type === "LogicalExpression" || parent?.type === "IfStatement" || parent?.type === "ConditionalExpression") return;
    if (parent?.type === "BinaryExpression" && ["===", "!==", "==", "!="].includes(parent.operator)) return;
    other++;
  });
  return timing > 0 && other === 0;
}
