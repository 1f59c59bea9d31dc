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
    const text = CREDENTIAL_FIELD.test(name) ? "[redacted]" : String(value);
    const part = `${name}=${text}`.slice(0, MAX_CHARS - chars);
    parts.push(part);
    chars += part.length + 1;
  }
  return parts.length > 0 ? parts.join(" ") : undefined;
}
