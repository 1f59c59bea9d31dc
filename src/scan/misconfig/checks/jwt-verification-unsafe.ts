import type { Node } from "@babel/types";
import type { ScanFile, ScanReport } from "../../rule.js";
import { calleeName, containsCall, enclosingFunction, objectProperty, propertyName, propertyValue, isBooleanLiteral, span, unwrap, visitScript } from "../parsers/script.js";

/**
 * Token checks that accept forged or stale tokens: the `none` algorithm, `ignoreExpiration: true`,
 * and `jwt.decode()` / `decodeJwt()` (no signature check) in code that never verifies.
 */
export function check(file: ScanFile): ScanReport[] {
  const reports: ScanReport[] = [];
  visitScript(file.path, file.text, (node, ancestors) => {
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
      const decodes = (name === "decode" && object !== undefined && /^(jwt|jsonwebtoken|jwtLib|JWT)$/.test(object)) || name === "decodeJwt" || name === "jwtDecode" || name === "jwt_decode";
      if (!decodes) return;
      const fn = enclosingFunction(ancestors);
      if (fn && containsCall(fn, ["verify", "jwtVerify", "verifyToken", "verifyJwt", "verifyAsync"])) return;
      const options = node.arguments[1] ? unwrap(node.arguments[1] as Node) : undefined;
      if (options && objectProperty(options, "complete") && isBooleanLiteral(propertyValue(options, "complete"), true) && fn && containsCall(fn, ["verify"])) return;
      reports.push({ message: `${object ? `${object}.` : ""}${name}() reads a token without checking its signature; use jwt.verify / jwtVerify with a pinned algorithm`, ...span(node) });
    }
  });
  return reports;
}
