import { resolve } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { ExitCode } from "../../core/exit-code.js";
import { evaluateChecklist, loadChecklist } from "../../respond/checklist.js";
import { respondFiles } from "../../respond/project-files.js";
import { scanPaths } from "../../scan/engine.js";
import { loadScanConfig } from "../../scan/config.js";
import type { CommandContext } from "../program.js";

export function registerChecklist(program: Command, context: CommandContext): void {
  program
    .command("checklist")
    .description("evaluate the security checklist: automated items by scanning a repo, manual items by their attestations")
    .option("--path <dir>", "repository to evaluate", ".")
    .option("--file <file>", "checklist file (default: <path>/threat-model/checklist.yaml, else the shipped one)")
    .option("--format <format>", "text or json", "text")
    .action((o: { path: string; file?: string; format: string }) =>
      context.run(async () => {
        if (o.format !== "text" && o.format !== "json") throw new UsageError(`unknown --format "${o.format}"; use text or json`);
        const root = resolve(context.io.cwd, o.path);
        const items = loadChecklist(o.file ? resolve(context.io.cwd, o.file) : respondFiles(root).checklistFile);
        const scan = await scanPaths({ cwd: root, config: loadScanConfig(undefined, root) });
        const results = evaluateChecklist(items, scan.findings, new Date().toISOString().slice(0, 10));
        const out = o.format === "json" ? `${JSON.stringify({ items: results }, null, 2)}\n` : results.map((r) => `${r.status.padEnd(10)} ${r.id}  ${r.title}\n           ${r.detail}\n`).join("");
        context.io.stdout.write(out);
        return results.some((r) => r.status === "fail" || r.status === "stale" || r.status === "unattested") ? ExitCode.findings : ExitCode.clean;
      }),
    );
}
