import { resolve } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { ExitCode } from "../../core/exit-code.js";
import { evaluateChecklist, loadChecklist } from "../../respond/checklist.js";
import { attestItem } from "../../respond/checklist-attest.js";
import { respondFiles } from "../../respond/project-files.js";
import { loadScanConfig } from "../../scan/config.js";
import { scanPaths } from "../../scan/engine.js";
import type { CommandContext } from "../command-context.js";

const FILE_HELP = "checklist file (default: <path>/threat-model/checklist.yaml, else the shipped one)";

export function registerChecklist(program: Command, context: CommandContext): void {
  const checklist = program.command("checklist").description("the security checklist: automated items decided by a scan, manual items by attestations");
  checklist
    .command("check", { isDefault: true })
    .description("evaluate every item (the default); exit 1 when an item fails, is unattested or its attestation expired")
    .option("--path <dir>", "repository to evaluate", ".")
    .option("--file <file>", FILE_HELP)
    .option("--format <format>", "text or json", "text")
    .action((o: { path: string; file?: string; format: string }) =>
      context.run(async () => {
        if (o.format !== "text" && o.format !== "json") throw new UsageError(`unknown --format "${o.format}"; use text or json`);
        const root = resolve(context.io.cwd, o.path);
        const items = loadChecklist(o.file ? resolve(context.io.cwd, o.file) : respondFiles(root).checklistFile);
        const scan = await scanPaths({ cwd: root, config: loadScanConfig(undefined, root) });
        const results = evaluateChecklist(items, scan.findings, today());
        const out =
          o.format === "json"
            ? `${JSON.stringify({ items: results }, null, 2)}\n`
            : results.map((r) => `${r.status.padEnd(10)} ${r.id}  ${r.title}\n           ${r.detail}\n`).join("");
        context.io.stdout.write(out);
        return results.some((r) => r.status === "fail" || r.status === "stale" || r.status === "unattested") ? ExitCode.findings : ExitCode.clean;
      }),
    );
  checklist
    .command("attest")
    .description("record that a manual item was checked: who, the evidence, and until when it holds")
    .argument("<item>", "checklist item id, e.g. maintainers-hardware-keys")
    .requiredOption("--by <who>", "who checked it (a role or a handle)")
    .requiredOption("--evidence <text>", "where the proof is (a link, a ticket); secrets in it are redacted")
    .option("--expires <date>", "YYYY-MM-DD when it must be checked again (default: 90 days from today)")
    .option("--path <dir>", "repository whose checklist to update", ".")
    .option("--file <file>", FILE_HELP)
    .action((id: string, o: { by: string; evidence: string; expires?: string; path: string; file?: string }) =>
      context.run(async () => {
        const root = resolve(context.io.cwd, o.path);
        const file = o.file ? resolve(context.io.cwd, o.file) : respondFiles(root).checklistFile;
        const expires = o.expires ?? daysFromToday(90);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(expires) || Number.isNaN(Date.parse(expires)))
          throw new UsageError(`--expires takes a date like 2027-02-01, not "${expires}"`);
        attestItem(file, id, { by: o.by, at: today(), evidence: o.evidence, expires });
        context.io.stdout.write(`attested ${id} until ${expires} in ${file}\n`);
        return ExitCode.clean;
      }),
    );
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function daysFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
