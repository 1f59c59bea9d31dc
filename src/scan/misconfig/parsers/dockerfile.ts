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
    let end = lineEnd;
    let joined = line.replace(/\r$/, "");
    while (/\\\s*$/.test(joined) && end < text.length) {
      const next = text.indexOf("\n", end + 1);
      const nextEnd = next === -1 ? text.length : next;
      const nextLine = text.slice(end + 1, nextEnd).replace(/\r$/, "");
      joined = joined.replace(/\\\s*$/, " ") + (nextLine.trimStart().startsWith("#") ? "" : nextLine);
      end = nextEnd;
    }
    const match = /^(\s*)([A-Za-z]+)(\s+|$)/.exec(joined);
    if (match) {
      const start = offset + (match[1]?.length ?? 0);
      out.push({ keyword: (match[2] ?? "").toUpperCase(), args: joined.slice(match[0].length).trim(), start, argsStart: offset + match[0].length, end });
    }
    offset = end + 1;
  }
  return out;
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
  const re = /([A-Za-z_][A-Za-z0-9_.-]*)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/g;
  for (let m = re.exec(args); m; m = re.exec(args)) {
    const raw = m[2];
    const value = raw === undefined ? undefined : raw.replace(/^["']|["']$/g, "");
    pairs.push({ key: m[1] ?? "", value });
  }
  return pairs;
}
