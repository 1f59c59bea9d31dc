/**
 * How much of each request field the detector looks at and keeps. Rules match against this prefix only, so
 * the work per request is bounded whatever the client sends (issue 15); the same caps apply to events built
 * by the middleware and to events read back from logs by `detect replay`.
 */
export const FIELD_PREFIX = {
  /** Path and query: long enough for every probe the rules know (the longest example is ~200 characters). */
  path: 2048,
  userAgent: 512,
  /** The excerpt of the parsed request body that body patterns see (body-excerpt.ts builds it this long). */
  body: 2048,
  /** Principal, tenant and route names given by the application. */
  identity: 256,
} as const;

/** The first `max` characters of `text` (the string itself when it is short enough, which is the usual case). */
export function prefixOf(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

/** The event with every client-controlled text field cut to its prefix (events read back from logs). */
export function boundedEvent<E extends { path: string; userAgent?: string; principal?: string; tenant?: string; route?: string }>(event: E): E {
  event.path = prefixOf(event.path, FIELD_PREFIX.path);
  if (event.userAgent !== undefined) event.userAgent = prefixOf(event.userAgent, FIELD_PREFIX.userAgent);
  if (event.principal !== undefined) event.principal = prefixOf(event.principal, FIELD_PREFIX.identity);
  if (event.tenant !== undefined) event.tenant = prefixOf(event.tenant, FIELD_PREFIX.identity);
  if (event.route !== undefined) event.route = prefixOf(event.route, FIELD_PREFIX.identity);
  return event;
}
