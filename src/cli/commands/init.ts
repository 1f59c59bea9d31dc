import { resolve } from "node:path";
import type { Command } from "commander";
import { type InitChoices, runInit } from "../../adopt/init.js";
import { INIT_FILES } from "../../adopt/init-templates.js";
import { installSource } from "../../adopt/install-source.js";
import { UsageError } from "../../core/errors.js";
import { ExitCode } from "../../core/exit-code.js";
import { isSeverity, SEVERITIES, type Severity } from "../../core/severity.js";
import type { CommandContext } from "../command-context.js";
import type { CliIo } from "../io.js";
import { canAsk, createAsker, isYes } from "../prompt.js";
import { VERSION } from "../version.js";

interface InitOptions {
  failOn: string;
  workflow: boolean;
  baseline: boolean;
  skeletons: boolean;
  package?: string;
  force?: boolean;
  yes?: boolean;
}

export function registerInit(program: Command, context: CommandContext): void {
  program
    .command("init")
    .description("set up Rampart in a repository: config, CI workflow, baseline of current findings, threat-model/checklist/playbook skeletons")
    .argument("[dir]", "repository root", ".")
    .option("--fail-on <severity>", "gate severity the workflow fails on", "high")
    .option("--no-workflow", "do not write .github/workflows/rampart.yml")
    .option("--no-baseline", "do not record current findings in .rampart-baseline.json")
    .option("--no-skeletons", "do not copy threat-model/ and playbooks/")
    .option(
      "--package <spec>",
      "what the workflow installs: a git URL pinned to a commit or a tarball URL (default: where this project's lockfile got Rampart, or this Rampart checkout's GitHub remote and commit)",
    )
    .option("--force", "replace files that already exist")
    .option("-y, --yes", "take the flags as given without asking (the default when not on a terminal)")
    .action((dir: string, o: InitOptions) => context.run(() => init(resolve(context.io.cwd, dir), o, context.io)));
}

async function init(root: string, o: InitOptions, io: CliIo): Promise<ExitCode> {
  const asked = canAsk(io) && !o.yes ? await askChoices(io, fromFlags(o)) : fromFlags(o);
  // Decided before anything is written: a workflow that cannot install Rampart would fail its first run.
  const choices = { ...asked, packageSpec: asked.workflow ? installSource(root, o.package) : "" };
  const result = await runInit(root, choices, VERSION);
  for (const path of result.written) io.stdout.write(`wrote ${path}\n`);
  if (choices.baseline) io.stdout.write(`baseline: ${result.baselined} current findings accepted; only new ones fail the gate\n`);
  io.stdout.write(nextSteps(choices, result.written));
  return ExitCode.clean;
}

function fromFlags(o: InitOptions): InitChoices {
  return { failOn: parseSeverity(o.failOn), workflow: o.workflow, baseline: o.baseline, skeletons: o.skeletons, packageSpec: "", force: o.force === true };
}

async function askChoices(io: CliIo, defaults: InitChoices): Promise<InitChoices> {
  const asker = createAsker(io);
  const yesNo = (b: boolean) => (b ? "y" : "n");
  try {
    const failOn = parseSeverity(await asker.ask(`Fail CI at which severity (${SEVERITIES.join(", ")})?`, defaults.failOn));
    const workflow = isYes(await asker.ask("Write a GitHub Actions workflow?", yesNo(defaults.workflow)));
    const baseline = isYes(await asker.ask("Accept today's findings in a baseline so only new ones fail?", yesNo(defaults.baseline)));
    const skeletons = isYes(await asker.ask("Copy the threat model, checklist and playbooks to edit?", yesNo(defaults.skeletons)));
    return { ...defaults, failOn, workflow, baseline, skeletons };
  } finally {
    asker.close();
  }
}

function parseSeverity(value: string): Severity {
  if (isSeverity(value)) return value;
  throw new UsageError(`unknown severity "${value}"; use ${SEVERITIES.join(", ")}`);
}

/** The next commands; the `git add` names every file init wrote (the baseline too: CI needs it). */
function nextSteps(choices: InitChoices, written: string[]): string {
  const steps = [`npx rampart scan . --fail-on ${choices.failOn}${choices.baseline ? ` --baseline ${INIT_FILES.baseline}` : ""}   # the gate, as CI runs it`];
  const tops = [...new Set(written.map((p) => (p.startsWith(".github/") ? p : p.split("/")[0]!)))];
  steps.push(`git add ${tops.join(" ")} && git commit   # ${choices.workflow ? "CI gates every PR" : "share the setup"}`);
  if (choices.skeletons) steps.push("npx rampart threats check   # your threat model, resolved against real rules and playbooks");
  steps.push("npx rampart hook install   # optional: block secrets before they are committed");
  return `next:\n${steps.map((s) => `  ${s}\n`).join("")}`;
}
