import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { expressionsIn, isForkGuarded, PRIVILEGED_PR_TRIGGERS, parseWorkflow } from "../parsers/workflow.js";
import { pairOf, pairRange, scalarText } from "../parsers/yaml-source.js";

/**
 * A job on pull_request_target / workflow_run that hands repository secrets to its steps: the run is
 * started by outside contributors, so anything it builds or runs must not see them. The automatic
 * GITHUB_TOKEN is excluded (its scope is what `permissions:` limits).
 */
export function check(file: FileContext): ScanReport[] {
  const wf = parseWorkflow(file);
  if (!wf) return [];
  const trigger = PRIVILEGED_PR_TRIGGERS.find((t) => wf.triggers.has(t));
  if (!trigger) return [];
  const reports: ScanReport[] = [];
  for (const job of wf.jobs) {
    if (isForkGuarded(job)) continue;
    const inherit = pairOf(job.node, "secrets");
    if (inherit && scalarText(inherit.value) === "inherit") {
      const [start, end] = pairRange(inherit);
      reports.push({ message: `job "${job.id}" passes every secret (secrets: inherit) on ${trigger}`, start, end });
      continue;
    }
    const first = expressionsIn(file.text, job.node).find((e) => /\bsecrets\.(?!GITHUB_TOKEN\b)[A-Za-z_]|\bsecrets\[|toJSON\(\s*secrets\s*\)/.test(e.body));
    if (first)
      reports.push({
        message: `job "${job.id}" uses repository secrets on ${trigger}, a trigger outside contributors can start`,
        start: first.start,
        end: first.end,
      });
  }
  return reports;
}
