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

function computeObjectIds(path: string): string {
  const end = path.search(/[?#]/);
  const ids: string[] = [];
  for (const segment of (end < 0 ? path : path.slice(0, end)).split("/")) {
    if (segment.length > 0 && segment.length <= 64 && OBJECT_ID.test(segment)) ids.push(segment.toLowerCase());
  }
  return ids.join("/");
}
