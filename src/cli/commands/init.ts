import { resolve } from "node:path";
import type { Command } from "commander";
import { runInit, type InitChoices } from "../../adopt/init.js";
import { DEFAULT_PACKAGE } from "../../adopt/init-templates.js";
import { UsageError } from "../../core/errors.js";
import { ExitCode } from "../../core/exit-code.js";
import { isSeverity, SEVERITIES, type Severity } from "../../core/severity.js";
import type { CliIo } from "../io.js";
import type { CommandContext } from "../command-context.js";
import { canAsk, createAsker, isYes } from "../prompt.js";
import { VERSION } from "../version.js";

interface InitOptions {
  failOn: string;
  workflow: boolean;
  baseline: boolean;
  skeletons: boolean;
  package: string;
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
    .option("--package <spec>", "npm spec the workflow installs (version, git URL or tarball)", DEFAULT_PACKAGE)
    .option("--force", "replace files that already exist")
    .option("-y, --yes", "take the flags as given without asking (the default when not on a terminal)")
    .action((dir: string, o: InitOptions) => context.run(() => init(resolve(context.io.cwd, dir), o, context.io)));
}

async function init(root: string, o: InitOptions, io: CliIo): Promise<ExitCode> {
  const choices = canAsk(io) && !o.yes ? await askChoices(io, fromFlags(o)) : fromFlags(o);
  const result = await runInit(root, choices, VERSION);
  for (const path of result.written) io.stdout.write(`wrote ${path}\n`);
  if (choices.baseline) io.stdout.write(`baseline: ${result.baselined} current findings accepted; only new ones fail the gate\n`);
  io.stdout.write(nextSteps(choices));
  return ExitCode.clean;
}

function fromFlags(o: InitOptions): InitChoices {
  return { failOn: parseSeverity(o.failOn), workflow: o.workflow, baseline: o.baseline, skeletons: o.skeletons, packageSpec: o.package, force: o.force === true };
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

function nextSteps(choices: InitChoices): string {
  const steps = [`npx rampart scan . --fail-on ${choices.failOn}${choices.baseline ? " --baseline .rampart-baseline.json" : ""}   # the gate, as CI runs it`];
  if (choices.workflow) steps.push("git add .github/workflows/rampart.yml rampart.config.yaml && git commit   # CI gates every PR");
  if (choices.skeletons) steps.push("npx rampart threats check   # your threat model, resolved against real rules and playbooks");
  steps.push("npx rampart hook install   # optional: block secrets before they are committed");
  return `next:\n${steps.map((s) => `  ${s}\n`).join("")}`;
}
