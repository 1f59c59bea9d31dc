/**
 * A small Dockerfile instruction parser: joins `\` continuations, skips comments and parser
 * directives, and keeps the offset of each instruction and of its arguments.
 */
export interface DockerInstruction {
  keyword: string;
  args: string;
  start: number;
  argsStart: number;
  end: number;
}

export function parseDockerfile(text: string): DockerInstruction[] {
  const out: DockerInstruction[] = [];
  let offset = 0;
  while (offset < text.length) {
    let lineEnd = text.indexOf("\n", offset);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.slice(offset, lineEnd);
    const trimmed = line.trimStart();
    if (trimmed === "" || trimmed.startsWith("#")) {
      offset = lineEnd + 1;
      continue;
    }
    // Continuations are judged on the current line only and joined once at the end: re-testing and re-copying
    // the growing instruction per line was quadratic in a file of backslash continuations.
    let end = lineEnd;
    let current = line.replace(/\r$/, "");
    const parts: string[] = [];
    while (endsWithContinuation(current) && end < text.length) {
      parts.push(current.slice(0, current.lastIndexOf("\\")), " ");
      const next = text.indexOf("\n", end + 1);
      const nextEnd = next === -1 ? text.length : next;
      const nextLine = text.slice(end + 1, nextEnd).replace(/\r$/, "");
      // Docker drops comment lines inside a continued instruction, and the instruction goes on.
      current = nextLine.trimStart().startsWith("#") ? "\\" : nextLine;
      end = nextEnd;
    }
    parts.push(current);
    const joined = parts.join("");
    const match = /^(\s*)([A-Za-z]+)(\s+|$)/.exec(joined);
    if (match) {
      const start = offset + (match[1]?.length ?? 0);
      out.push({ keyword: (match[2] ?? "").toUpperCase(), args: joined.slice(match[0].length).trim(), start, argsStart: offset + match[0].length, end });
    }
    offset = end + 1;
  }
  return out;
}

/** A line ending in `\` (trailing blanks allowed), found from the end so a long line costs only its tail. */
function endsWithContinuation(line: string): boolean {
  let i = line.length - 1;
  while (i >= 0 && (line[i] === " " || line[i] === "\t")) i--;
  return i >= 0 && line[i] === "\\";
}

/** `ENV A=1 B="two"` or the legacy `ENV A 1` form; `ARG NAME[=default]`. */
export function keyValues(instruction: DockerInstruction): Array<{ key: string; value: string | undefined }> {
  const args = instruction.args;
  if (!args.includes("=")) {
    const [key, ...rest] = args.split(/\s+/);
    if (!key) return [];
    return [{ key, value: instruction.keyword === "ENV" ? rest.join(" ") : undefined }];
  }
  const pairs: Array<{ key: string; value: string | undefined }> = [];
  // A closing quote is optional, so an unclosed one takes the rest instead of being re-scanned from every key.
  const re = /([A-Za-z_][A-Za-z0-9_.-]*)(?:=("(?:[^"\\]|\\.)*"?|'[^']*'?|\S*))?/g;
  for (let m = re.exec(args); m; m = re.exec(args)) {
    const raw = m[2];
    const value = raw === undefined ? undefined : raw.replace(/^["']|["']$/g, "");
    pairs.push({ key: m[1] ?? "", value });
  }
  return pairs;
}
