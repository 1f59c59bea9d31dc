import { Command, CommanderError } from "commander";
import { describeError } from "../core/errors.js";
import { ExitCode } from "../core/exit-code.js";
import type { CommandContext } from "./command-context.js";
import type { CliIo } from "./io.js";
import { VERSION } from "./version.js";

type Registrar = (program: Command, context: CommandContext) => void;

/**
 * Each command file adds itself to the program; this table is the CLI's table of contents. A run loads only
 * the command it names (all of them for top-level help or an unknown name): importing every command's
 * dependencies cost each `rampart scan` some 50 ms before it could start.
 */
const commands: Record<string, () => Promise<Registrar>> = {
  audit: async () => (await import("./commands/audit.js")).registerAudit,
  checklist: async () => (await import("./commands/checklist.js")).registerChecklist,
  detect: async () => (await import("./commands/detect.js")).registerDetect,
  hook: async () => (await import("./commands/hook.js")).registerHook,
  incident: async () => (await import("./commands/incident.js")).registerIncident,
  init: async () => (await import("./commands/init.js")).registerInit,
  metrics: async () => (await import("./commands/metrics.js")).registerMetrics,
  playbook: async () => (await import("./commands/playbook.js")).registerPlaybook,
  rules: async () => (await import("./commands/rules.js")).registerRules,
  scan: async () => (await import("./commands/scan.js")).registerScan,
  "serve-metrics": async () => (await import("./commands/serve-metrics.js")).registerServeMetrics,
  threats: async () => (await import("./commands/threats.js")).registerThreats,
};

function registrarsFor(argv: readonly string[]): Promise<Registrar[]> {
  const name = argv.find((a) => !a.startsWith("-"));
  const only = name !== undefined && Object.hasOwn(commands, name) ? commands[name] : undefined;
  return Promise.all((only ? [only] : Object.values(commands)).map((load) => load()));
}

export async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let exitCode: ExitCode = ExitCode.clean;
  const context: CommandContext = {
    io,
    async run(action) {
      try {
        exitCode = await action();
      } catch (error) {
        io.stderr.write(`rampart: ${await redactedError(error)}\n`);
        exitCode = ExitCode.error;
      }
    },
  };
  // Commander's own messages quote the argument it rejected (`unknown option '--ghp_…'`): held back and
  // redacted like every other error before they reach stderr.
  const usageErrors: string[] = [];
  const program = buildProgram(context, await registrarsFor(argv), (s) => usageErrors.push(s));
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      await flushRedacted(usageErrors, io);
      return commanderExit(error);
    }
    io.stderr.write(`rampart: ${await redactedError(error)}\n`);
    return ExitCode.error;
  }
  await flushRedacted(usageErrors, io);
  return exitCode;
}

async function flushRedacted(texts: string[], io: CliIo): Promise<void> {
  if (texts.length === 0) return;
  io.stderr.write(await redacted(texts.join("")));
}

/**
 * Error messages quote user input (an unknown config key, a custom rule's regex, an API's error body), and
 * that input may be a pasted key: every message goes through the scanner's redaction. Loaded only on this
 * path, so a run without errors does not pay for the rule set.
 */
async function redactedError(error: unknown): Promise<string> {
  return redacted(describeError(error));
}

async function redacted(message: string): Promise<string> {
  try {
    const { redactSecretsInText } = await import("../scan/redact-text.js");
    return redactSecretsInText(message);
  } catch {
    return message;
  }
}

function commanderExit(error: CommanderError): ExitCode {
  // --help and --version end through exitOverride with code 0; every parse problem is a usage error.
  return error.exitCode === 0 ? ExitCode.clean : ExitCode.error;
}

export function buildProgram(
  context: CommandContext,
  registrars: readonly Registrar[],
  writeErr: (s: string) => void = (s) => context.io.stderr.write(s),
): Command {
  const program = new Command("rampart")
    .description("Security operations for AI-agent platforms: prevent, detect, respond.")
    .version(VERSION, "-V, --version", "print the Rampart version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => context.io.stdout.write(s),
      writeErr,
    });
  for (const register of registrars) register(program, context);
  for (const c of program.commands) inheritParseBehaviour(c, context, writeErr);
  return program;
}

function inheritParseBehaviour(command: Command, context: CommandContext, writeErr: (s: string) => void): void {
  command
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (s) => context.io.stdout.write(s),
      writeErr,
    });
  for (const c of command.commands) inheritParseBehaviour(c, context, writeErr);
}
