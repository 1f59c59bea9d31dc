import { resolve } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { ExitCode } from "../../core/exit-code.js";
import { addNote, closeIncident, loadIncident, openIncident, recordStep, verifyIncident } from "../../respond/incident.js";
import { incidentReport, incidentReportMarkdown, incidentStatusText } from "../../respond/incident-report.js";
import type { CommandContext } from "../program.js";
import { playbooksDir } from "./playbook.js";

const DIR_HELP = "where incident journals live";

export function registerIncident(program: Command, context: CommandContext): void {
  const incident = program.command("incident").description("run an incident by its playbook, with a tamper-evident journal");
  const dirOf = (o: { dir: string }) => resolve(context.io.cwd, o.dir);
  const { io } = context;

  incident.command("open").description("open an incident and print its id").argument("<playbook>", "playbook id").requiredOption("--title <title>", "what happened, in a line").option("--dir <dir>", DIR_HELP, "incidents")
    .option("--playbooks <dir>", "playbooks directory (default: ./playbooks when it has any, else the shipped ones)")
    .action((playbook: string, o: { title: string; dir: string; playbooks?: string }) => context.run(async () => {
      io.stdout.write(`${openIncident(dirOf(o), playbook, o.title, new Date(), playbooksDir(context, { ...(o.playbooks ? { dir: o.playbooks } : {}) }))}\n`);
      return ExitCode.clean;
    }));

  incident.command("step").description("record a step as done or skipped").argument("<id>").argument("<step>").option("--done", "the step is done").option("--skip", "the step does not apply").option("--note <text>", "what was done or why it was skipped (secrets are redacted)").option("--dir <dir>", DIR_HELP, "incidents")
    .action((id: string, step: string, o: { done?: boolean; skip?: boolean; note?: string; dir: string }) => context.run(async () => {
      if (o.done === o.skip) throw new UsageError("say --done or --skip (one of them)");
      recordStep(dirOf(o), id, step, o.done ? "done" : "skip", o.note);
      return ExitCode.clean;
    }));

  incident.command("note").description("add a note to the timeline (secrets are redacted)").argument("<id>").argument("<text>").option("--dir <dir>", DIR_HELP, "incidents")
    .action((id: string, text: string, o: { dir: string }) => context.run(async () => (addNote(dirOf(o), id, text), ExitCode.clean)));

  incident.command("close").description("close the incident").argument("<id>").option("--note <text>", "closing summary").option("--dir <dir>", DIR_HELP, "incidents")
    .action((id: string, o: { note?: string; dir: string }) => context.run(async () => (closeIncident(dirOf(o), id, o.note), ExitCode.clean)));

  incident.command("status").description("steps done, what is next, who owns it, elapsed time").argument("<id>").option("--dir <dir>", DIR_HELP, "incidents")
    .action((id: string, o: { dir: string }) => context.run(async () => {
      io.stdout.write(incidentStatusText(loadIncident(dirOf(o), id)));
      return ExitCode.clean;
    }));

  incident.command("report").description("post-incident report: timeline, time to contain, time to resolve").argument("<id>").option("--format <format>", "md or json", "md").option("--dir <dir>", DIR_HELP, "incidents")
    .action((id: string, o: { format: string; dir: string }) => context.run(async () => {
      if (o.format !== "md" && o.format !== "json") throw new UsageError(`unknown --format "${o.format}"; use md or json`);
      const state = loadIncident(dirOf(o), id);
      io.stdout.write(o.format === "json" ? `${JSON.stringify(incidentReport(state), null, 2)}\n` : incidentReportMarkdown(state));
      return ExitCode.clean;
    }));

  incident.command("verify").description("check the journal's hash chain; exit 1 if any entry was changed, removed or torn").argument("<id>").option("--dir <dir>", DIR_HELP, "incidents")
    .action((id: string, o: { dir: string }) => context.run(async () => {
      const problems = verifyIncident(dirOf(o), id);
      for (const p of problems) io.stdout.write(`${id}.jsonl:${p.line}: ${p.message}\n`);
      io.stdout.write(problems.length === 0 ? `${id}: journal intact\n` : `${id}: journal damaged (${problems.length} problems)\n`);
      return problems.length === 0 ? ExitCode.clean : ExitCode.findings;
    }));
}
