import { access } from "node:fs/promises";
import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { ExitCode } from "../../core/exit-code.js";
import { redactAlert, redactionReady, useRedactionKey } from "../../detect/alert-redaction.js";
import { formatReplayText, replayFiles } from "../../detect/replay.js";
import { loadDetectRules } from "../../detect/rule.js";
import { redactSecretsInText } from "../../scan/redact-text.js";
import type { CommandContext } from "../command-context.js";

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
        const replayed = await replayFiles(files, ruleSet ? { ruleSet } : {});
        // The same labels as the middleware's alerts when both run with the same RAMPART_REDACTION_KEY.
        useRedactionKey(context.io.env.RAMPART_REDACTION_KEY);
        await redactionReady();
        const result = { ...replayed, alerts: replayed.alerts.map(redactAlert) };
        for (const p of result.problems) context.io.stderr.write(`rampart: ${p.file}:${p.line}: ${p.message}; line skipped\n`);
        const out = options.format === "json" ? `${JSON.stringify(result.alerts, null, 2)}\n` : formatReplayText(result);
        // Alerts are redacted above; the skipped-line problems and anything else in the text are redacted here.
        context.io.stdout.write(redactSecretsInText(out));
        return result.alerts.length > 0 ? ExitCode.findings : ExitCode.clean;
      }),
    );
}
