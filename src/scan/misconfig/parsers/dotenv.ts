/**
 * A dotenv line parser that keeps offsets, so a finding points at the exact key or value.
 * Handles `export KEY=value`, quoted values (single, double, backtick), inline `# comments`
 * after unquoted values, and skips comment and blank lines. Multi-line quoted values are
 * read up to the closing quote.
 */
export interface EnvEntry {
  key: string;
  /** The value with quotes removed and no inline comment. */
  value: string;
  /** Offset of the key's first character. */
  keyStart: number;
  /** Offsets of the value as written (inside quotes when quoted); equal when the value is empty. */
  valueStart: number;
  valueEnd: number;
  quoted: boolean;
}

const KEY = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*/;

export function parseDotenv(text: string): EnvEntry[] {
  const entries: EnvEntry[] = [];
  let offset = 0;
  while (offset < text.length) {
    const lineEnd = endOfLine(text, offset);
    const line = text.slice(offset, lineEnd);
    const match = KEY.exec(line);
    if (!match || line.trimStart().startsWith("#")) {
      offset = lineEnd + 1;
      continue;
    }
    const key = match[1] ?? "";
    const keyStart = offset + line.indexOf(key);
    const rawStart = offset + match[0].length;
    const quote = text[rawStart];
    if (quote === '"' || quote === "'" || quote === "`") {
      const close = text.indexOf(quote, rawStart + 1);
      const valueEnd = close === -1 ? lineEnd : close;
      entries.push({ key, value: text.slice(rawStart + 1, valueEnd), keyStart, valueStart: rawStart + 1, valueEnd, quoted: true });
      offset = endOfLine(text, valueEnd) + 1;
      continue;
    }
    const rest = text.slice(rawStart, lineEnd);
    const comment = rest.search(/[ \t]#/);
    const raw = trimBlanksEnd(comment === -1 ? rest : rest.slice(0, comment));
    entries.push({ key, value: raw, keyStart, valueStart: rawStart, valueEnd: rawStart + raw.length, quoted: false });
    offset = lineEnd + 1;
  }
  return entries;
}

function endOfLine(text: string, from: number): number {
  const end = text.indexOf("\n", from);
  return end === -1 ? text.length : end;
}

/** Drops trailing spaces, tabs and carriage returns (not other whitespace, which a value may keep). */
function trimBlanksEnd(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === " " || text[end - 1] === "\t" || text[end - 1] === "\r")) end--;
  return text.slice(0, end);
}
