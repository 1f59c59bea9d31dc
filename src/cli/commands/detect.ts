import { access } from "node:fs/promises";
import type { Command } from "commander";
import { ExitCode } from "../../core/exit-code.js";
import { UsageError } from "../../core/errors.js";
import { redactSecretsInText } from "../../scan/redact-text.js";
import { loadDetectRules } from "../../detect/rule.js";
import { formatReplayText, replayFiles } from "../../detect/replay.js";
import type { CommandContext } from "../program.js";

export function registerDetect(program: Command, context: CommandContext): void {
  const detect = program.command("detect").description("runtime suspicious-access detection");
  detect
    .command("replay")
    .description("run the detection rules over access logs (JSON access events, pino-http, nginx/Apache combined) in event-time order")
    .argument("<file...>", "log files")
    .option("--format <format>", "json or text", "text")
    .option("--rules <dir>", "directory of rule YAML files (default: the built-in rules)")
    .action((files: string[], options: { format: string; rules?: string }) =>
      context.run(async () => {
        if (options.format !== "json" && options.format !== "text") throw new UsageError(`--format must be json or text, not "${options.format}"`);
        for (const file of files) {
          await access(file).catch(() => {
            throw new UsageError(`cannot read ${file}; check the path`);
          });
        }
        const ruleSet = options.rules ? loadDetectRules(options.rules) : undefined;
        const result = await replayFiles(files, ruleSet ? { ruleSet } : {});
        for (const p of result.problems) context.io.stderr.write(`rampart: ${p.file}:${p.line}: ${p.message}; line skipped\n`);
        const out = options.format === "json" ? JSON.stringify(result.alerts, null, 2) + "\n" : formatReplayText(result);
        // Principals are ids, never secrets, but a log may carry a raw key where an id should be.
        context.io.stdout.write(redactSecretsInText(out));
        return result.alerts.length > 0 ? ExitCode.findings : ExitCode.clean;
      }),
    );
}
