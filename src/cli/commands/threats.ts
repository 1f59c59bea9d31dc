import { resolve } from "node:path";
import type { Command } from "commander";
import { ExitCode } from "../../core/exit-code.js";
import { respondFiles } from "../../respond/project-files.js";
import { checkThreatModel } from "../../respond/threat-model.js";
import { renderThreatModel } from "../../respond/threat-render.js";
import type { CommandContext } from "../command-context.js";

export function registerThreats(program: Command, context: CommandContext): void {
  const threats = program.command("threats").description("the threat model in threat-model/model.yaml");
  const dirOf = (o: { dir?: string }) => (o.dir ? resolve(context.io.cwd, o.dir) : respondFiles(context.io.cwd).threatModelDir);
  threats
    .command("check")
    .description("validate the model, resolve every control reference, and apply the policy; exit 1 on problems")
    .option("--dir <dir>", "threat-model directory (default: ./threat-model when it has model.yaml, else the shipped model)")
    .action((o: { dir?: string }) =>
      context.run(async () => {
        const { problems, accepted, coverage } = checkThreatModel(dirOf(o));
        for (const p of problems) context.io.stdout.write(`${p.file}:${p.line}: ${p.message}\n`);
        for (const p of accepted) context.io.stdout.write(`${p.file}:${p.line}: note: ${p.message}\n`);
        const covered = coverage.filter((c) => c.preventive + c.detective + c.responsive > 0).length;
        context.io.stdout.write(`${coverage.length} threats, ${covered} with controls, ${problems.length} problems\n`);
        return problems.length === 0 ? ExitCode.clean : ExitCode.findings;
      }),
    );
  threats
    .command("render")
    .description("print the model as Markdown with a Mermaid data-flow diagram and a coverage table")
    .option("--dir <dir>", "threat-model directory (default: ./threat-model when it has model.yaml, else the shipped model)")
    .action((o: { dir?: string }) =>
      context.run(async () => {
        const { model, coverage } = checkThreatModel(dirOf(o));
        context.io.stdout.write(renderThreatModel(model, coverage));
        return ExitCode.clean;
      }),
    );
}
