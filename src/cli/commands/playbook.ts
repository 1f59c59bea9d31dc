import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { ExitCode } from "../../core/exit-code.js";
import { findPlaybook, loadPlaybooks, type Playbook } from "../../respond/playbook.js";
import { RENDERED_FILES, renderMigrationSafety, renderResponseGuide } from "../../respond/playbook-render.js";
import { respondFiles } from "../../respond/project-files.js";
import type { CommandContext } from "../command-context.js";

export function registerPlaybook(program: Command, context: CommandContext): void {
  const playbook = program.command("playbook").description("incident playbooks from playbooks/*.yaml");
  registerPlaybookRender(playbook, context);
  playbook
    .command("list")
    .description("list the playbooks (validated on load)")
    .option("--format <format>", "text or json", "text")
    .option("--dir <dir>", DIR_HELP)
    .action((options: { format: string; dir?: string }) =>
      context.run(async () => {
        const all = loadPlaybooks(playbooksDir(context, options));
        const json = parseTextOrJson(options.format) === "json";
        context.io.stdout.write(
          json
            ? `${JSON.stringify(
                all.map(({ id, title, summary }) => ({ id, title, summary })),
                null,
                2,
              )}\n`
            : all.map((p) => `${p.id.padEnd(24)} ${p.title}\n`).join(""),
        );
        return ExitCode.clean;
      }),
    );
  playbook
    .command("show")
    .description("show one playbook: severity levels, roles and ordered steps")
    .argument("<id>", "playbook id, e.g. leaked-secret")
    .option("--format <format>", "text or json", "text")
    .option("--dir <dir>", DIR_HELP)
    .action((id: string, options: { format: string; dir?: string }) =>
      context.run(async () => {
        const json = parseTextOrJson(options.format) === "json";
        const p = findPlaybook(id, playbooksDir(context, options));
        context.io.stdout.write(json ? `${JSON.stringify(p, null, 2)}\n` : playbookText(p));
        return ExitCode.clean;
      }),
    );
}

export function registerPlaybookRender(playbook: Command, context: CommandContext): void {
  playbook
    .command("render")
    .description(`write the public ${RENDERED_FILES.guide} and ${RENDERED_FILES.migration} (Markdown) from the playbooks`)
    .option("--out <dir>", "where to write them (default: ./playbooks)")
    .option("--dir <dir>", DIR_HELP)
    .action((o: { out?: string; dir?: string }) =>
      context.run(async () => {
        const all = loadPlaybooks(playbooksDir(context, o));
        const dir = resolve(context.io.cwd, o.out ?? "playbooks");
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, RENDERED_FILES.guide), renderResponseGuide(all));
        writeFileSync(join(dir, RENDERED_FILES.migration), renderMigrationSafety(all));
        context.io.stdout.write(`wrote ${join(dir, RENDERED_FILES.guide)} and ${join(dir, RENDERED_FILES.migration)}\n`);
        return ExitCode.clean;
      }),
    );
}

const DIR_HELP = "playbooks directory (default: ./playbooks when it has any, else the shipped ones)";

/** The project's own playbooks once `rampart init` copied them, else the shipped set. */
export function playbooksDir(context: CommandContext, o: { dir?: string }): string {
  return o.dir ? resolve(context.io.cwd, o.dir) : respondFiles(context.io.cwd).playbooksDir;
}

function parseTextOrJson(format: string): "text" | "json" {
  if (format === "text" || format === "json") return format;
  throw new UsageError(`unknown --format "${format}"; use text or json`);
}

function playbookText(p: Playbook): string {
  const lines = [
    `${p.title} (${p.id})`,
    p.summary,
    "",
    "Severity:",
    ...Object.entries(p.severity).map(([k, v]) => `  ${k}: ${v}`),
    "",
    "Roles:",
    ...p.roles.map((r) => `  ${r.id}: ${r.description}`),
    "",
    "Steps:",
  ];
  for (const [i, s] of p.steps.entries()) lines.push(`  ${i + 1}. [${s.phase}] ${s.id} — ${s.title} (owner: ${s.owner})${s.run ? `\n     run: ${s.run}` : ""}`);

  return `${lines.join("\n")}\n`;
}
