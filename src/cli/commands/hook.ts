import type { Command } from "commander";
import { installPreCommitHook } from "../../adopt/git-hook.js";
import { ExitCode } from "../../core/exit-code.js";
import type { CommandContext } from "../command-context.js";

export function registerHook(program: Command, context: CommandContext): void {
  const hook = program.command("hook").description("git hooks that run Rampart before code leaves the machine");
  hook
    .command("install")
    .description("add a plain git pre-commit hook that runs `rampart scan --staged`")
    .option("--force", "replace an existing pre-commit hook that Rampart did not write")
    .action((options: { force?: boolean }) =>
      context.run(async () => {
        const path = installPreCommitHook(context.io.cwd, { force: options.force === true });
        context.io.stdout.write(
          `installed ${path}\ncommits that add findings at or above the gate are now blocked (bypass once with git commit --no-verify)\n`,
        );
        return ExitCode.clean;
      }),
    );
}
