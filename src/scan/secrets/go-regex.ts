/**
 * Translates a Go RE2 pattern (gitleaks' regex dialect) into a JavaScript one, or says why it cannot.
 * Most of RE2 is JavaScript already; what differs: `(?P<name>` groups, `\z` and `\A`, POSIX classes in
 * brackets, a leading `(?i)`/`(?s)` flag group, and a `(?i)` in the middle of a group (which applies to
 * the rest of that group: JavaScript writes that as a `(?i:...)` modifier group).
 */
export interface TranslatedRegex {
  pattern: string;
  ignoreCase: boolean;
  dotAll: boolean;
}

const POSIX: Record<string, string> = {
  alnum: "A-Za-z0-9",
  alpha: "A-Za-z",
  digit: "0-9",
  lower: "a-z",
  upper: "A-Z",
  space: "\\s",
  xdigit: "0-9A-Fa-f",
  word: "\\w",
  punct: "!-\\/:-@\\[-`{-~",
  blank: " \\t",
};

export class GoRegexError extends Error {}

/** `secretGroup`: which capture group is the secret (gitleaks' default: the only group, if there is one); `none` leaves groups alone. */
export function translateGoRegex(source: string, secretGroup?: number | "none"): TranslatedRegex {
  let pattern = source;
  let ignoreCase = false;
  let dotAll = false;
  const lead = /^\(\?([imsU]+)\)/.exec(pattern);
  if (lead) {
    if (lead[1]!.includes("U")) throw new GoRegexError("the (?U) ungreedy flag has no JavaScript equivalent");
    ignoreCase = lead[1]!.includes("i");
    dotAll = lead[1]!.includes("s");
    if (lead[1]!.includes("m")) throw new GoRegexError("a leading (?m) is not supported: rules see whole files, write \\n or (?:^|\\n) instead");
    pattern = pattern.slice(lead[0].length);
  }
  if (/\\[QECpP]|\\x\{|\(\?[a-zA-Z]*U/.test(pattern))
    throw new GoRegexError("\\Q...\\E, \\C, \\x{...}, Unicode classes written Go's way and (?U) are not supported; rewrite them as plain escapes");
  pattern = pattern
    .replace(/\(\?P</g, "(?<")
    .replace(/\\z/g, "$")
    .replace(/\\A/g, "^")
    .replace(/\[:(\^?)([a-z]+):\]/g, (_whole, negated: string, name: string) => {
      const cls = POSIX[name];
      if (cls === undefined) throw new GoRegexError(`unknown POSIX class [:${name}:]`);
      if (negated) throw new GoRegexError(`negated POSIX class [:^${name}:] is not supported`);
      return cls;
    });
  pattern = scopeInlineFlags(pattern);
  if (secretGroup === "none") {
    // allow lists and path regexes: no secret group to mark
  } else if (secretGroup !== undefined && secretGroup > 0) pattern = nameGroup(pattern, secretGroup);
  else if (countCapturingGroups(pattern) === 1 && !/\(\?<secret>/.test(pattern)) pattern = nameGroup(pattern, 1);
  if (dotAll) pattern = `(?s:${pattern})`;
  return { pattern, ignoreCase, dotAll };
}

/** `a(?i)bc` → `a(?i:bc)` and `(x(?i)y)z` → `(x(?i:y))z`: an inline flag group covers the rest of its group. */
function scopeInlineFlags(pattern: string): string {
  for (let guard = 0; guard < 50; guard++) {
    const m = /\(\?(-?[is]+)\)/.exec(pattern);
    if (!m) return pattern;
    const start = m.index;
    const end = endOfEnclosingGroup(pattern, start + m[0].length);
    pattern = `${pattern.slice(0, start)}(?${m[1]}:${pattern.slice(start + m[0].length, end)})${pattern.slice(end)}`;
  }
  throw new GoRegexError("too many inline flag groups");
}

/** Calls `visit` with each character outside escapes and bracket classes, from `from` on; stops when it returns true. */
function scanStructure(pattern: string, from: number, visit: (c: string, i: number) => boolean | undefined): void {
  let inClass = false;
  for (let i = from; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (visit(c, i) === true) return;
  }
}

/** Index of the `)` closing the group that contains `from` (or the pattern's end). */
function endOfEnclosingGroup(pattern: string, from: number): number {
  let depth = 0;
  let end = pattern.length;
  scanStructure(pattern, from, (c, i) => {
    if (c === "(") depth++;
    else if (c === ")" && depth-- === 0) {
      end = i;
      return true;
    }
    return false;
  });
  return end;
}

/** Offsets of capturing groups' `(`, in order (plain or named; not `(?:`, lookarounds or flag groups). */
function capturingGroups(pattern: string): number[] {
  const out: number[] = [];
  scanStructure(pattern, 0, (c, i) => {
    if (c === "(" && (pattern[i + 1] !== "?" || (pattern[i + 2] === "<" && pattern[i + 3] !== "=" && pattern[i + 3] !== "!"))) out.push(i);
    return false;
  });
  return out;
}

function countCapturingGroups(pattern: string): number {
  return capturingGroups(pattern).length;
}

/** Makes capturing group `n` (1-based) the named group `secret`. */
function nameGroup(pattern: string, n: number): string {
  const at = capturingGroups(pattern)[n - 1];
  if (at === undefined) throw new GoRegexError(`secretGroup ${n} does not exist (the regex has ${countCapturingGroups(pattern)} capture groups)`);
  const named = /^\(\?<[A-Za-z_]\w*>/.exec(pattern.slice(at));
  return `${pattern.slice(0, at)}(?<secret>${pattern.slice(at + (named ? named[0].length : 1))}`;
}
