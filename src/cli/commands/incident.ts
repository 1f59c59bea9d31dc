import { resolve } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { ExitCode } from "../../core/exit-code.js";
import { addNote, closeIncident, loadIncident, openIncident, recordStep, verifyIncident } from "../../respond/incident.js";
import { incidentReport, incidentReportMarkdown, incidentStatusText } from "../../respond/incident-report.js";
import { formatHead, parseHead } from "../../respond/journal-head.js";
import type { CommandContext } from "../command-context.js";
import { playbooksDir } from "./playbook.js";

const DIR_HELP = "where incident journals live";

export function registerIncident(program: Command, context: CommandContext): void {
  const incident = program.command("incident").description("run an incident by its playbook, with a tamper-evident journal");
  const dirOf = (o: { dir: string }) => resolve(context.io.cwd, o.dir);
  const { io } = context;
  // Entries get an HMAC with this key, and verify checks them; unset, the journal is hash-chained only.
  const journal = () => (io.env.RAMPART_JOURNAL_KEY ? { key: io.env.RAMPART_JOURNAL_KEY } : {});

  incident
    .command("open")
    .description("open an incident and print its id")
    .argument("<playbook>", "playbook id")
    .requiredOption("--title <title>", "what happened, in a line")
    .option("--dir <dir>", DIR_HELP, "incidents")
    .option("--playbooks <dir>", "playbooks directory (default: ./playbooks when it has any, else the shipped ones)")
    .action((playbook: string, o: { title: string; dir: string; playbooks?: string }) =>
      context.run(async () => {
        io.stdout.write(
          `${await openIncident(dirOf(o), playbook, o.title, new Date(), playbooksDir(context, { ...(o.playbooks ? { dir: o.playbooks } : {}) }), journal())}\n`,
        );
        return ExitCode.clean;
      }),
    );

  incident
    .command("step")
    .description("record a step as done or skipped")
    .argument("<id>")
    .argument("<step>")
    .option("--done", "the step is done")
    .option("--skip", "the step does not apply")
    .option("--note <text>", "what was done or why it was skipped (secrets are redacted)")
    .option("--dir <dir>", DIR_HELP, "incidents")
    .action((id: string, step: string, o: { done?: boolean; skip?: boolean; note?: string; dir: string }) =>
      context.run(async () => {
        if (o.done === o.skip) throw new UsageError("say --done or --skip (one of them)");
        await recordStep(dirOf(o), id, step, o.done ? "done" : "skip", o.note, journal());
        return ExitCode.clean;
      }),
    );

  incident
    .command("note")
    .description("add a note to the timeline (secrets are redacted)")
    .argument("<id>")
    .argument("<text>")
    .option("--dir <dir>", DIR_HELP, "incidents")
    .action((id: string, text: string, o: { dir: string }) =>
      context.run(async () => {
        await addNote(dirOf(o), id, text, journal());
        return ExitCode.clean;
      }),
    );

  incident
    .command("close")
    .description("close the incident")
    .argument("<id>")
    .option("--note <text>", "closing summary")
    .option("--dir <dir>", DIR_HELP, "incidents")
    .action((id: string, o: { note?: string; dir: string }) =>
      context.run(async () => {
        await closeIncident(dirOf(o), id, o.note, journal());
        return ExitCode.clean;
      }),
    );

  incident
    .command("status")
    .description("steps done, what is next, who owns it, elapsed time")
    .argument("<id>")
    .option("--dir <dir>", DIR_HELP, "incidents")
    .action((id: string, o: { dir: string }) =>
      context.run(async () => {
        io.stdout.write(incidentStatusText(loadIncident(dirOf(o), id, journal())));
        return ExitCode.clean;
      }),
    );

  incident
    .command("report")
    .description("post-incident report: timeline, time to contain, time to resolve")
    .argument("<id>")
    .option("--format <format>", "md or json", "md")
    .option("--dir <dir>", DIR_HELP, "incidents")
    .action((id: string, o: { format: string; dir: string }) =>
      context.run(async () => {
        if (o.format !== "md" && o.format !== "json") throw new UsageError(`unknown --format "${o.format}"; use md or json`);
        const state = loadIncident(dirOf(o), id, journal());
        io.stdout.write(o.format === "json" ? `${JSON.stringify(incidentReport(state), null, 2)}\n` : incidentReportMarkdown(state));
        return ExitCode.clean;
      }),
    );

  incident
    .command("verify")
    .description(
      "check the journal: hash chain, sealed head, MACs (with RAMPART_JOURNAL_KEY); print its head; exit 1 if any entry was changed, added, removed or torn",
    )
    .argument("<id>")
    .option("--expect-head <head>", "a head printed by an earlier verify (<entries>:<hash>), kept outside the journal: it must still be in the chain")
    .option("--dir <dir>", DIR_HELP, "incidents")
    .action((id: string, o: { dir: string; expectHead?: string }) =>
      context.run(async () => {
        const read = verifyIncident(dirOf(o), id, { ...journal(), ...(o.expectHead !== undefined ? { expectHead: parseHead(o.expectHead) } : {}) });
        for (const p of read.problems) io.stdout.write(`${id}: journal damaged at line ${p.line}: ${p.message}\n`);
        if (read.problems.length > 0) {
          io.stdout.write(
            `${id}: journal damaged (${read.problems.length} problem${read.problems.length === 1 ? "" : "s"}); restore it from a copy you trust\n`,
          );
          return ExitCode.findings;
        }
        const macs =
          read.macs === "checked"
            ? "; every entry's MAC checked"
            : read.macs === "unchecked"
              ? "; entries carry MACs, not checked: set RAMPART_JOURNAL_KEY to check them"
              : "; no MACs (set RAMPART_JOURNAL_KEY when opening an incident to add them)";
        io.stdout.write(`${id}: journal intact${macs}\n${id}: head ${formatHead(read.head)} (record it elsewhere; check later with --expect-head)\n`);
        return ExitCode.clean;
      }),
    );
}
