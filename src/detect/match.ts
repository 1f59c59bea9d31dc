import { remembered } from "./bounded-memo.js";
import type { AccessEvent } from "./event.js";
import { FIELD_PREFIX, prefixOf } from "./field-bounds.js";
import type { EventMatch } from "./rule.js";
import { compileSafePattern } from "./safe-pattern.js";
import { sourceList } from "./source-list.js";

export type EventPredicate = (event: AccessEvent) => boolean;

const TENANT_IN_PATH = /\/(?:workspaces|tenants|ws|orgs)\/([^/?#]+)/i;

/** Compiles a rule's `match` block once into a predicate; the hot path then only runs plain checks. */
export function compileMatch(match: EventMatch): EventPredicate {
  const checks: EventPredicate[] = [];
  if (match.status) {
    const set = new Set(match.status);
    checks.push((e) => set.has(e.status));
  }
  if (match.auth) {
    const set = new Set<string>(match.auth);
    checks.push((e) => e.auth !== undefined && set.has(e.auth));
  }
  if (match.methods) {
    const set = new Set(match.methods.map((m) => m.toUpperCase()));
    checks.push((e) => set.has(e.method.toUpperCase()));
  }
  if (match.requirePrincipal) checks.push((e) => Boolean(e.principal));
  if (match.path) {
    const pattern = compileSafePattern(match.path);
    const verdicts = new Map<string, boolean>();
    const judge = (path: string) => (isPlainPath(path) ? pattern.test(path) : pathVariants(path).some((v) => pattern.test(v)));
    checks.push(
      lastValueCached(
        (e) => e.path,
        (path) => remembered(verdicts, prefixOf(path, FIELD_PREFIX.path), VERDICT_CAP, judge),
      ),
    );
  }
  if (match.body) {
    const pattern = compileSafePattern(match.body);
    checks.push((e) => e.body !== undefined && pattern.test(prefixOf(e.body, FIELD_PREFIX.body)));
  }
  if (match.exceptSource) {
    const excepted = sourceList(match.exceptSource, "detect rule exceptSource");
    // Every authenticated request asks; the same few addresses keep coming.
    const verdicts = new Map<string, boolean>();
    checks.push(
      lastValueCached(
        (e) => e.ip,
        (ip) => !remembered(verdicts, ip, VERDICT_CAP, excepted),
      ),
    );
  }
  if (match.userAgent) {
    const pattern = compileSafePattern(match.userAgent);
    checks.push((e) => e.userAgent !== undefined && pattern.test(prefixOf(e.userAgent, FIELD_PREFIX.userAgent)));
  }
  if (match.foreignTenant) checks.push(isForeignTenant);
  if (match.exceptPrincipal) {
    const pattern = compileSafePattern(match.exceptPrincipal);
    checks.push((e) => !e.principal || !pattern.test(prefixOf(e.principal, FIELD_PREFIX.identity)));
  }
  return allOf(checks);
}

/**
 * The conjunction of checks, composed pairwise rather than looped over: every event runs several of these,
 * and a fixed chain of calls is cheaper for V8 than a loop over an array of closures.
 */
function allOf(checks: readonly EventPredicate[]): EventPredicate {
  if (checks.length === 0) return () => true;
  if (checks.length === 1) return checks[0]!;
  const [first, ...rest] = checks;
  const others = allOf(rest);
  return (e) => first!(e) && others(e);
}

/**
 * A check of one field that answers a repeat of the last value it saw without a lookup: consecutive requests
 * mostly come from the same few addresses, and the same value is often checked twice in a row.
 */
function lastValueCached(field: (e: AccessEvent) => string, verdict: (value: string) => boolean): EventPredicate {
  let lastValue: string | undefined;
  let lastVerdict = false;
  return (e) => {
    const value = field(e);
    if (value === lastValue) return lastVerdict;
    lastVerdict = verdict(value);
    lastValue = value;
    return lastVerdict;
  };
}

/** Most traffic is the same few hundred paths: each path's verdict is remembered instead of re-running the regex. */
const VERDICT_CAP = 2048;

/** Nothing to decode: the usual path, tested as is without building a list of variants. */
function isPlainPath(path: string): boolean {
  return !path.includes("%") && !path.includes("+");
}

/** The path as sent, decoded once and decoded twice: probes hide behind double encoding. */
export function pathVariants(path: string): string[] {
  if (isPlainPath(path)) return [path];
  const once = safeDecode(path.replaceAll("+", " "));
  const twice = safeDecode(once);
  return once === path ? [path] : twice === once ? [path, once] : [path, once, twice];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function isForeignTenant(e: AccessEvent): boolean {
  if (!e.tenant) return false;
  if (e.objectTenant) return e.objectTenant !== e.tenant;
  const m = TENANT_IN_PATH.exec(prefixOf(e.path, FIELD_PREFIX.path));
  return m !== null && safeDecode(m[1]!) !== e.tenant;
}
