import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { auditSnapshot, loadAuditRules } from "../../audit/audit.js";
import { takeSnapshot } from "../../audit/snapshot.js";
import { UsageError } from "../../core/errors.js";
import { ExitCode } from "../../core/exit-code.js";
import { describeFailure, gitHubError } from "../../core/github-failure.js";
import { isSeverity } from "../../core/severity.js";
import { formatReport, parseFormat } from "../../report/format.js";
import { summarize } from "../../report/report.js";
import type { CommandContext } from "../command-context.js";
import { wantsColor } from "../io.js";
import { createProgress } from "../progress.js";
import { VERSION } from "../version.js";
import { type GitHubFlags, gitHubClientFor, withGitHubLimits } from "./github-options.js";

interface AuditOptions extends GitHubFlags {
  org: string;
  repo?: string[];
  format: string;
  output?: string;
  failOn: string;
}

export function registerAudit(program: Command, context: CommandContext): void {
  const audit = program.command("audit").description("audit settings that only an API can see");
  const github = audit
    .command("github")
    .description("check GitHub org and repo security settings (token from GITHUB_TOKEN or GH_TOKEN)")
    .requiredOption("--org <org>", "organization (or user) that owns the repositories")
    .option("--repo <name...>", "only these repositories (default: every non-archived repo of the org)")
    .option("--api-url <url>", "GitHub API base URL (default: GITHUB_API_URL, else https://api.github.com)")
    .option("--format <format>", "text, json, junit, github or markdown (not sarif: audit findings have no file for code scanning to point at)", "text")
    .option("--output <file>", "write the report to a file instead of stdout")
    .option("--fail-on <severity>", "exit 1 when a finding is at or above this severity", "high");
  withGitHubLimits(github).action((o: AuditOptions) => context.run(() => runAudit(o, context)));
}

async function runAudit(o: AuditOptions, context: CommandContext): Promise<ExitCode> {
  const { io } = context;
  const format = parseFormat(o.format);
  if (format === "sarif")
    throw new UsageError(
      "audit has no --format sarif: its findings are settings, not lines of a file, and GitHub code scanning rejects SARIF results without a file location; use --format json, markdown or github",
    );
  if (!isSeverity(o.failOn)) throw new UsageError(`unknown --fail-on "${o.failOn}"; use info, low, medium, high or critical`);
  if (!io.env.GITHUB_TOKEN && !io.env.GH_TOKEN)
    throw new UsageError("set GITHUB_TOKEN or GH_TOKEN to a token that can read the org's settings (see README: Auditing GitHub)");
  const rules = loadAuditRules();
  const octokit = gitHubClientFor(o, io);
  const progress = createProgress(io, "auditing");
  const snapshot = await takeSnapshot(octokit, o.org, o.repo ?? [], (m) => progress.update(m))
    .catch((error: unknown) => {
      throw gitHubError(error, `organization or repository "${o.org}"`);
    })
    .finally(() => progress.done());
  const findings = auditSnapshot(snapshot, rules);
  const skipped = snapshot.skipped.map((s) => ({ path: s.path, reason: describeFailure(s.reason) }));
  for (const s of skipped) io.stderr.write(`rampart: skipped ${s.path}: ${s.reason}\n`);
  const report = {
    tool: { name: "rampart", version: VERSION },
    kind: "audit" as const,
    findings,
    rules,
    summary: summarize(findings, o.failOn, snapshot.repos.length, skipped),
  };
  const text = formatReport(format, report, { color: !o.output && wantsColor(io) });
  if (o.output) writeFileSync(resolve(io.cwd, o.output), text);
  else io.stdout.write(text);
  return report.summary.failing > 0 ? ExitCode.findings : ExitCode.clean;
}
