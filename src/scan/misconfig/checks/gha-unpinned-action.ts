import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { parseWorkflow } from "../parsers/workflow.js";
import { mapValue, rangeOf, scalarText } from "../parsers/yaml-source.js";

const FIRST_PARTY = /^(actions|github)\//i;
const BRANCH = /^(main|master|dev|develop|trunk|beta|latest|next|canary|nightly)$/i;

/**
 * GHA016: a tag or branch can be moved to new code at any time (the tj-actions/changed-files
 * compromise rewrote its tags). Third-party actions must be pinned to a full commit SHA.
 * GitHub's own actions/* and github/* are reported at low severity: same risk class, far smaller.
 */
export function check(file: FileContext): ScanReport[] {
  const wf = parseWorkflow(file);
  if (!wf) return [];
  const reports: ScanReport[] = [];
  const judge = (value: string, start: number, end: number) => {
    if (value.startsWith("./") || value.startsWith(".\\")) return;
    if (value.startsWith("docker://")) {
      if (!value.includes("@sha256:")) reports.push({ message: `${value} is a container image without a digest; pin it with @sha256:...`, start, end });
      return;
    }
    const at = value.lastIndexOf("@");
    const ref = at === -1 ? "" : value.slice(at + 1);
    if (/^[0-9a-f]{40}$/i.test(ref)) return;
    const action = at === -1 ? value : value.slice(0, at);
    const kind = ref === "" ? "has no ref" : BRANCH.test(ref) ? `follows the branch ${ref}` : `uses the mutable tag ${ref}`;
    reports.push({
      message: `${action} ${kind}; pin it to a full 40-character commit SHA (keep the tag in a comment)`,
      start,
      end,
      ...(FIRST_PARTY.test(action) && !BRANCH.test(ref) ? { severity: "low" as const } : {}),
    });
  };
  for (const job of wf.jobs) {
    const reusable = mapValue(job.node, "uses");
    const reusableRef = scalarText(reusable);
    if (reusableRef) judge(reusableRef, ...rangeOf(reusable));
    for (const step of job.steps) if (step.uses) judge(step.uses.value, step.uses.start, step.uses.end);
  }
  return reports;
}
