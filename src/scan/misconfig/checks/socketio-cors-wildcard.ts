import type { Node } from "@babel/types";
import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { isBooleanLiteral, objectProperty, propertyName, resolveObject, span, unwrap, visitScript } from "../parsers/script.js";

/**
 * ELZ-020: a Socket.IO server whose `cors.origin` is `'*'` (or falls back to it) accepts
 * connections from every web page, so any site a user opens can subscribe to the agent's events.
 */
export function check(file: FileContext): ScanReport[] {
  if (!/socket\.io/.test(file.text)) return [];
  const reports: ScanReport[] = [];
  visitScript(file, (node, ancestors) => {
    if (node.type !== "ObjectProperty" || propertyName(node.key, node.computed) !== "cors") return;
    if (!ancestors.some((a) => a.type === "NewExpression" || a.type === "CallExpression" || a.type === "VariableDeclarator")) return;
    const options = resolveObject(node.value as Node, file);
    const origin = objectProperty(options, "origin");
    if (origin?.type !== "ObjectProperty" || !isWildcard(unwrap(origin.value as Node))) return;
    reports.push({ message: "Socket.IO accepts connections from any origin (cors.origin '*'): list the web origins that may connect", ...span(origin) });
  });
  return reports;
}

function isWildcard(node: Node): boolean {
  if (node.type === "StringLiteral") return node.value === "*";
  if (isBooleanLiteral(node, true)) return true;
  if (node.type === "LogicalExpression" && (node.operator === "||" || node.operator === "??")) return isWildcard(unwrap(node.right));
  if (node.type === "ArrayExpression") return node.elements.some((e) => e?.type === "StringLiteral" && e.value === "*");
  return false;
}
