import type { Node } from "@babel/types";
import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { calleeName, isBooleanLiteral, objectProperty, propertyValue, resolveObject, span, visitScript } from "../parsers/script.js";

const SESSION_FACTORIES = new Set(["session", "expressSession", "cookieSession", "fastifySession"]);

/**
 * Session cookies sent over plain http (no `secure`) or readable from page scripts (`httpOnly:
 * false`) hand the session to network attackers and XSS. express-session defaults `secure` to
 * false, so a missing flag counts; a computed value (`secure: isProd`) is trusted.
 */
export function check(file: FileContext): ScanReport[] {
  const reports: ScanReport[] = [];
  visitScript(file, (node) => {
    if (node.type !== "CallExpression") return;
    const { name, object } = calleeName(node);
    const options = resolveObject(node.arguments[0] as Node | undefined, file);
    if (name && SESSION_FACTORIES.has(name) && !object && options?.type === "ObjectExpression") {
      const cookieProp = objectProperty(options, "cookie");
      const cookie = name === "cookieSession" ? options : resolveObject(propertyValue(options, "cookie"), file);
      // `cookie: sharedCookieOptions` imported from elsewhere cannot be judged here; trust it.
      if (cookieProp && !cookie) return;
      judge(cookie, cookieProp ?? node, reports, "session cookie");
    }
    if (name === "cookie" && object && node.arguments.length >= 3) {
      const cookieName = node.arguments[0];
      if (cookieName?.type === "StringLiteral" && /sess|token|auth|jwt|sid/i.test(cookieName.value)) {
        const options = resolveObject(node.arguments[2] as Node, file);
        if (options) judge(options, node, reports, `cookie "${cookieName.value}"`);
      }
    }
  });
  return reports;
}

function judge(cookie: Node | undefined, fallback: Node, reports: ScanReport[], what: string): void {
  if (cookie?.type !== "ObjectExpression") {
    reports.push({
      message: `${what} has no cookie options: it is sent without the secure flag; set cookie: { secure: true, httpOnly: true, sameSite: 'lax' }`,
      ...span(fallback),
    });
    return;
  }
  const httpOnly = objectProperty(cookie, "httpOnly");
  if (httpOnly && isBooleanLiteral(propertyValue(cookie, "httpOnly"), false)) {
    reports.push({ message: `${what} sets httpOnly: false, so page scripts (and any XSS) can read it`, ...span(httpOnly) });
  }
  const secure = objectProperty(cookie, "secure");
  if (!secure) {
    reports.push({
      message: `${what} has no secure flag, so it is also sent over plain http; set secure: true (behind a proxy, also app.set('trust proxy', 1))`,
      ...span(cookie),
    });
  } else if (isBooleanLiteral(propertyValue(cookie, "secure"), false)) {
    reports.push({ message: `${what} sets secure: false, so it is sent over plain http`, ...span(secure) });
  }
}
