import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { ExitCode } from "../../core/exit-code.js";
import type { RuleMeta } from "../../core/finding.js";
import type { CommandContext } from "../command-context.js";

/** Every domain's rule list; a new domain adds its loader here. */
const catalogs: Array<() => Promise<RuleMeta[]>> = [
  async () => (await import("../../scan/misconfig/catalog.js")).loadMisconfigRules().map((r) => ruleMeta(r.meta)),
  async () => (await import("../../scan/registry.js")).loadAllSecretRules().map((r) => ruleMeta(r.meta)),
  async () => (await import("../../audit/audit.js")).loadAuditRules().map(ruleMeta),
  async () =>
    (await import("../../detect/rule.js")).loadDetectRules().map((r) => ({
      id: r.id,
      category: "detect" as const,
      severity: r.severity,
      description: r.title,
      source: `rules/detect/${r.id}.yaml`,
      references: r.references,
    })),
];

/** Only the RuleMeta fields (a scan rule's keywords and file globs stay internal). */
function ruleMeta(meta: RuleMeta): RuleMeta {
  const { id, category, severity, description, source, remediation, references } = meta;
  return { id, category, severity, description, source, ...(remediation ? { remediation } : {}), ...(references ? { references } : {}) };
}

export async function allRules(): Promise<RuleMeta[]> {
  const lists = await Promise.all(catalogs.map((load) => load()));
  return lists.flat().sort((a, b) => a.category.localeCompare(b.category) || a.id.localeCompare(b.id));
}

export function registerRules(program: Command, context: CommandContext): void {
  const rules = program.command("rules").description("inspect the rules Rampart runs");
  rules
    .command("list")
    .description("list every rule: id, category, severity, description and source")
    .option("--format <format>", "text or json", "text")
    .action((options: { format: string }) =>
      context.run(async () => {
        const list = await allRules();
        context.io.stdout.write(formatRuleList(list, options.format));
        return ExitCode.clean;
      }),
    );
}

export function formatRuleList(list: RuleMeta[], format: string): string {
  if (format === "json") return `${JSON.stringify({ rules: list }, null, 2)}\n`;
  if (format !== "text") throw new UsageError(`unknown --format "${format}"; use text or json`);
  const width = Math.max(4, ...list.map((r) => r.id.length));
  const lines = list.map((r) => `${r.id.padEnd(width)}  ${r.category.padEnd(9)}  ${r.severity.padEnd(8)}  ${r.description}  [${r.source}]`);
  return `${lines.join("\n")}\n${list.length} rules\n`;
}
