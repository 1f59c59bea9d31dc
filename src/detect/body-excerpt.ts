import { remembered } from "./bounded-memo.js";

/**
 * The string values of a request body the application already parsed (`req.body` from express.json() or
 * urlencoded()), flattened to `name=value` pairs for the body patterns of the injection rule. Bounded in
 * depth, values and characters, so a huge or deeply nested body costs no more than a small one; the stream
 * is never read here. Fields whose names say they hold credentials are replaced by `[redacted]`.
 */
const MAX_CHARS = 2048;
const MAX_DEPTH = 4;
const MAX_VALUES = 64;
const CREDENTIAL_FIELD = /pass(word|wd|phrase)?$|secret|token|api[-_]?key|authori[sz]ation|cookie|private[-_]?key|credential|mnemonic|seed/i;

export function bodyExcerpt(body: unknown): string | undefined {
  if (typeof body === "string") return body.length > 0 ? body.slice(0, MAX_CHARS) : undefined;
  if (!body || typeof body !== "object" || ArrayBuffer.isView(body)) return undefined;
  if (!Array.isArray(body)) {
    const names = Object.keys(body);
    if (isFlat(body as Record<string, unknown>, names)) return flatExcerpt(body as Record<string, unknown>, names);
  }
  const parts: string[] = [];
  let chars = 0;
  let values = 0;
  // Depth-first with an explicit stack: no recursion for an attacker to deepen.
  const stack: Array<{ name: string; value: unknown; depth: number }> = [{ name: "", value: body, depth: 0 }];
  while (stack.length > 0 && chars < MAX_CHARS && values < MAX_VALUES) {
    const { name, value, depth } = stack.pop()!;
    if (value !== null && typeof value === "object") {
      if (depth >= MAX_DEPTH || ArrayBuffer.isView(value)) continue;
      const entries = Array.isArray(value) ? value.slice(0, MAX_VALUES).map((v, i) => [String(i), v] as const) : Object.entries(value).slice(0, MAX_VALUES);
      for (let i = entries.length - 1; i >= 0; i--) stack.push({ name: entries[i]![0], value: entries[i]![1], depth: depth + 1 });
      continue;
    }
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") continue;
    values++;
    const part = partOf(name, value, chars);
    parts.push(part);
    chars += part.length + 1;
  }
  return parts.length > 0 ? parts.join(" ") : undefined;
}

/** No object among the values the walk would visit: the usual JSON message body. */
function isFlat(body: Record<string, unknown>, names: readonly string[]): boolean {
  for (let i = 0; i < names.length && i < MAX_VALUES; i++) {
    const value = body[names[i]!];
    if (value !== null && typeof value === "object") return false;
  }
  return true;
}

/** What the walk above gives for a flat object, without its stack of entries (most bodies take this path). */
function flatExcerpt(body: Record<string, unknown>, names: readonly string[]): string | undefined {
  let out: string | undefined;
  let chars = 0;
  let values = 0;
  for (let i = 0; i < names.length && i < MAX_VALUES && chars < MAX_CHARS && values < MAX_VALUES; i++) {
    const name = names[i]!;
    const value = body[name];
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") continue;
    values++;
    const part = partOf(name, value, chars);
    out = out === undefined ? part : `${out} ${part}`;
    chars += part.length + 1;
  }
  return out;
}

function partOf(name: string, value: string | number | boolean, chars: number): string {
  const text = remembered(credentialNames, name, 256, isCredentialName) ? "[redacted]" : String(value);
  return `${name}=${text}`.slice(0, MAX_CHARS - chars);
}

/** Field names repeat from request to request: each one's verdict is remembered (bounded). */
const credentialNames = new Map<string, boolean>();
const isCredentialName = (name: string): boolean => CREDENTIAL_FIELD.test(name);
