import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { ExitCode } from "../../core/exit-code.js";
import { findPlaybook, loadPlaybooks, type Playbook } from "../../respond/playbook.js";
import type { CommandContext } from "../program.js";

export function registerPlaybook(program: Command, context: CommandContext): void {
  const playbook = program.command("playbook").description("incident playbooks from playbooks/*.yaml");
  playbook
    .command("list")
    .description("list the playbooks (validated on load)")
    .option("--format <format>", "text or json", "text")
    .action((options: { format: string }) =>
      context.run(async () => {
        const all = loadPlaybooks();
        const json = parseTextOrJson(options.format) === "json";
        context.io.stdout.write(json ? `${JSON.stringify(all.map(({ id, title, summary }) => ({ id, title, summary })), null, 2)}\n` : all.map((p) => `${p.id.padEnd(24)} ${p.title}\n`).join(""));
        return ExitCode.clean;
      }),
    );
  playbook
    .command("show")
    .description("show one playbook: severity levels, roles and ordered steps")
    .argument("<id>", "playbook id, e.g. leaked-secret")
    .option("--format <format>", "text or json", "text")
    .action((id: string, options: { format: string }) =>
      context.run(async () => {
        const json = parseTextOrJson(options.format) === "json";
        const p = findPlaybook(id);
        context.io.stdout.write(json ? `${JSON.stringify(p, null, 2)}\n` : playbookText(p));
        return ExitCode.clean;
      }),
    );
}

function parseTextOrJson(format: string): "text" | "json" {
  if (format === "text" || format === "json") return format;
  throw new UsageError(`unknown --format "${format}"; use text or json`);
}

function playbookText(p: Playbook): string {
  const lines = [`${p.title} (${p.id})`, p.summary, "", "Severity:", ...Object.entries(p.severity).map(([k, v]) => `  ${k}: ${v}`), "", "Roles:", ...p.roles.map((r) => `  ${r.id}: ${r.description}`), "", "Steps:"];
  p.steps.forEach((s, i) => lines.push(`  ${i + 1}. [${s.phase}] ${s.id} — ${s.title} (owner: ${s.owner})${s.run ? `\n     run: ${s.run}` : ""}`));
  return `${lines.join("\n")}\n`;
}
