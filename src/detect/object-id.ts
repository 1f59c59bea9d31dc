import { remembered } from "./bounded-memo.js";

/**
 * A path segment that names one object rather than a collection or an action: a UUID, a number, a long
 * hex or base-32/62 id (ULIDs, Mongo ids, nanoids with digits). Each alternative is a plain character
 * class run anchored at both ends, so matching is linear.
 */
const OBJECT_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9]{1,20}|[0-9a-f]{16,64}|(?=[a-z]*[0-9])[0-9a-z_-]{20,64})$/i;

const MEMO_CAP = 2048;
const memo = new Map<string, string>();

/** The object ids in a path, joined by `/` (`/api/agents/<a>/memories/<m>` → `<a>/<m>`); "" when none. */
export function objectIdsOf(path: string): string | undefined {
  return remembered(memo, path, MEMO_CAP, computeObjectIds) || undefined;
}

const shapes = new Map<string, string>();
/**
 * Ids no word list holds: UUIDs and long hex. Numbers and short words stay, so a scan of `/admin/1`,
 * `/admin/2`… or of a word list with numbers in it still counts every path.
 */
const GENERATED_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,64})$/i;

/**
 * The path without its query, each generated id (UUID, long hex) replaced by `:id` (`/api/agents/<uuid>/logs`
 * → `/api/agents/:id/logs`): what a path scan varies is the route, while a client fetching the same
 * sub-resource of many objects asks for one route many times.
 */
export function pathShapeOf(path: string): string {
  return remembered(shapes, path, MEMO_CAP, computeShape);
}

function computeShape(path: string): string {
  const segments = segmentsOf(path);
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment.length >= 16 && segment.length <= 64 && GENERATED_ID.test(segment)) segments[i] = ":id";
  }
  return segments.join("/");
}

function computeObjectIds(path: string): string {
  const ids: string[] = [];
  for (const segment of segmentsOf(path)) {
    if (segment.length > 0 && segment.length <= 64 && OBJECT_ID.test(segment)) ids.push(segment.toLowerCase());
  }
  return ids.join("/");
}

/** The path's segments, without its query or fragment. */
function segmentsOf(path: string): string[] {
  const end = path.search(/[?#]/);
  return (end < 0 ? path : path.slice(0, end)).split("/");
}
