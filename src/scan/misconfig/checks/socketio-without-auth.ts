import type { Node } from "@babel/types";
import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { calleeName, span, visitScript } from "../parsers/script.js";

/** Anything that authenticates a socket: a middleware (or the HTTP session shared through io.engine.use), a handshake read, or allowRequest. */
const SOCKET_AUTH =
  /\bhandshake\s*\.\s*(?:auth|headers|query)\b|\ballowRequest\b|\.engine\s*\.\s*use\s*\(|\b(?:io|socketServer|socketIO|socketIo|server)\s*\.\s*use\s*\(|\.use\s*\(\s*(?:async\s+)?(?:\(\s*)?socket\b/;

/**
 * The HTTP API checks ELIZA_SERVER_AUTH_TOKEN, but a Socket.IO server with no middleware accepts every
 * connection, and in an agent server the socket carries the same messages and agent control as the API. A
 * file that creates the server and never authenticates a socket is reported at the constructor.
 */
export function check(file: FileContext): ScanReport[] {
  if (SOCKET_AUTH.test(file.text)) return [];
  const constructors = new Set<string>();
  const reports: ScanReport[] = [];
  visitScript(file, (node) => {
    if (node.type === "ImportDeclaration" && node.source.value === "socket.io") {
      for (const s of node.specifiers)
        if (s.type === "ImportDefaultSpecifier" || (s.type === "ImportSpecifier" && importedName(s.imported) === "Server")) constructors.add(s.local.name);
      return;
    }
    if (node.type === "VariableDeclarator" && isRequireSocketIo(node.init)) {
      if (node.id.type === "Identifier") constructors.add(node.id.name);
      if (node.id.type === "ObjectPattern")
        for (const p of node.id.properties) if (p.type === "ObjectProperty" && p.value.type === "Identifier") constructors.add(p.value.name);
      return;
    }
    if (node.type !== "NewExpression" && node.type !== "CallExpression") return;
    const { name, object } = calleeName(node);
    if (!name || object !== undefined || !constructors.has(name)) return;
    reports.push({
      message:
        "this Socket.IO server authenticates no connection (no io.use() middleware, no handshake.auth check): the API token does not protect the socket, so anyone who reaches the port can join agent channels and send messages",
      ...span(node),
    });
  });
  return reports;
}

function importedName(node: Node): string | undefined {
  return node.type === "Identifier" ? node.name : node.type === "StringLiteral" ? node.value : undefined;
}

function isRequireSocketIo(node: Node | null | undefined): boolean {
  if (node?.type !== "CallExpression") return false;
  const arg = node.arguments[0];
  return node.callee.type === "Identifier" && node.callee.name === "require" && arg?.type === "StringLiteral" && arg.value === "socket.io";
}
