/** One shell command from a doc's ```sh block, with the exit code the doc promises (`# exit N`). */
export interface DocCommand {
  text: string;
  expectCode: number;
  line: number;
}

const EXIT_NOTE = /\s+#\s*exit\s+(\d+)\s*$/;

/**
 * Every command of every ```sh block, in order. A command is one line, a line ending in `\` continues,
 * and `<<'EOF'` takes lines up to the terminator, so docs can write files the way users would.
 */
export function docCommands(markdown: string): DocCommand[] {
  const lines = markdown.split("\n");
  const commands: DocCommand[] = [];
  let inBlock = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("```")) {
      inBlock = !inBlock && line.trim() === "```sh";
      continue;
    }
    if (!inBlock || line.trim() === "" || line.trim().startsWith("#")) continue;
    const start = i;
    let text = line;
    while (text.endsWith("\\") && i + 1 < lines.length) text = `${text}\n${lines[++i]}`;
    const heredoc = /<<-?'?(\w+)'?/.exec(text);
    if (heredoc) while (i + 1 < lines.length && lines[i] !== heredoc[1]) text = `${text}\n${lines[++i]}`;
    const note = EXIT_NOTE.exec(text.split("\n")[0]!);
    commands.push({ text: note ? text.replace(EXIT_NOTE, "") : text, expectCode: note ? Number(note[1]) : 0, line: start + 1 });
  }
  return commands;
}

/** One bash script that runs the commands in order in one shell (so `cd` carries) and stops at the first surprise. */
export function docScript(commands: DocCommand[]): string {
  const steps = commands.map((c, n) =>
    [
      `printf '\\n@@ step ${n}\\n'`,
      c.text,
      `rc=$?`,
      `if [ "$rc" != "${c.expectCode}" ]; then echo "@@ step ${n} exited $rc, the doc expects ${c.expectCode}"; exit 100; fi`,
    ].join("\n"),
  );
  return ["set +e", ...steps, "echo '@@ all steps ran'"].join("\n");
}
