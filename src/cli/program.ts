import { Command, CommanderError } from "commander";
import { describeError } from "../core/errors.js";
import { ExitCode } from "../core/exit-code.js";
import type { CliIo } from "./io.js";
import { registerAudit } from "./commands/audit.js";
import { registerChecklist } from "./commands/checklist.js";
import { registerDetect } from "./commands/detect.js";
import { registerHook } from "./commands/hook.js";
import { registerIncident } from "./commands/incident.js";
import { registerInit } from "./commands/init.js";
import { registerMetrics } from "./commands/metrics.js";
import { registerPlaybook } from "./commands/playbook.js";
import { registerRules } from "./commands/rules.js";
import { registerScan } from "./commands/scan.js";
import { registerServeMetrics } from "./commands/serve-metrics.js";
import { registerThreats } from "./commands/threats.js";
import { VERSION } from "./version.js";

/** Each command file adds itself to the program; this list is the CLI's table of contents. */
const registrars = [registerAudit, registerChecklist, registerDetect, registerHook, registerIncident, registerInit, registerMetrics, registerPlaybook, registerRules, registerScan, registerServeMetrics, registerThreats];

export type Action = () => Promise<ExitCode>;
export interface CommandContext {
  io: CliIo;
  /** Wraps a command body: its exit code becomes the process's, and a thrown error becomes exit 2 with no stack. */
  run(action: Action): Promise<void>;
}

export async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let exitCode: ExitCode = ExitCode.clean;
  const context: CommandContext = {
    io,
    async run(action) {
      try {
        exitCode = await action();
      } catch (error) {
        io.stderr.write(`rampart: ${describeError(error)}\n`);
        exitCode = ExitCode.error;
      }
    },
  };
  const program = buildProgram(context);
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return commanderExit(error);
    io.stderr.write(`rampart: ${describeError(error)}\n`);
    return ExitCode.error;
  }
  return exitCode;
}

function commanderExit(error: CommanderError): ExitCode {
  // --help and --version end through exitOverride with code 0; every parse problem is a usage error.
  return error.exitCode === 0 ? ExitCode.clean : ExitCode.error;
}

export function buildProgram(context: CommandContext): Command {
  const program = new Command("rampart")
    .description("Security operations for AI-agent platforms: prevent, detect, respond.")
    .version(VERSION, "-V, --version", "print the Rampart version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => context.io.stdout.write(s),
      writeErr: (s) => context.io.stderr.write(s),
    });
  for (const register of registrars) register(program, context);
  program.commands.forEach((c) => inheritParseBehaviour(c, context));
  return program;
}

function inheritParseBehaviour(command: Command, context: CommandContext): void {
  command.exitOverride().showHelpAfterError("(run with --help for usage)").configureOutput({
    writeOut: (s) => context.io.stdout.write(s),
    writeErr: (s) => context.io.stderr.write(s),
  });
  command.commands.forEach((c) => inheritParseBehaviour(c, context));
}
