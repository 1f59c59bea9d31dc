/**
 * Text as it reads once string escapes are undone (`\"` → `"`, `\n` → a newline), with where each character
 * came from in the escaped text. Records often hold text copied out of JSON, a log line or a shell string:
 * `ibmcloud_api_key: \"5dkM…\"` has a backslash where a rule expects the quote before the value, so the rule
 * saw no assignment and the key stayed raw. Up to three levels (JSON inside JSON inside a shell string).
 */
export interface Unescaped {
  text: string;
  /** origin[i] is the offset in the original text of `text[i]`; origin[text.length] is the original's length. */
  origin: number[];
}

const SIMPLE: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "'": "'", "\\": "\\", "/": "/", "`": "`" };

/** Each level of unescaping that changes the text, outermost first (at most `levels`). */
export function unescapedLevels(text: string, levels = 3): Unescaped[] {
  const out: Unescaped[] = [];
  let current: Unescaped = { text, origin: Array.from({ length: text.length + 1 }, (_, i) => i) };
  for (let level = 0; level < levels && current.text.includes("\\"); level++) {
    const next = unescapeOnce(current.text);
    if (next.text === current.text) break;
    const previous = current;
    current = { text: next.text, origin: next.origin.map((i) => previous.origin[i]!) };
    out.push(current);
  }
  return out;
}

function unescapeOnce(text: string): Unescaped {
  let out = "";
  const origin: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const replacement = text[i] === "\\" ? SIMPLE[text[i + 1] ?? ""] : undefined;
    origin.push(i);
    if (replacement === undefined) {
      out += text[i];
      continue;
    }
    out += replacement;
    i++;
  }
  origin.push(text.length);
  return { text: out, origin };
}
