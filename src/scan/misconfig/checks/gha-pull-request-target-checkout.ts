import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { linesIn, parseWorkflow, PRIVILEGED_PR_TRIGGERS, isForkGuarded } from "../parsers/workflow.js";
import { pairOf, pairRange, scalarText } from "../parsers/yaml-source.js";

const UNTRUSTED_REF = /github\.event\.pull_request\.head\.(sha|ref)|github\.head_ref|refs\/pull\/|github\.event\.workflow_run\.head_(sha|branch)|github\.event\.pull_request\.merge_commit_sha/;
const UNTRUSTED_REPO = /github\.event\.pull_request\.head\.repo\.full_name|github\.event\.workflow_run\.head_repository\.full_name/;

/**
 * GHA001 ("pwn request"): a privileged trigger runs with secrets and a write token, and checking
 * out the pull request's code hands both to whoever opened it.
 */
export function check(file: FileContext): ScanReport[] {
  const wf = parseWorkflow(file);
  if (!wf || !PRIVILEGED_PR_TRIGGERS.some((t) => wf.triggers.has(t))) return [];
  const trigger = PRIVILEGED_PR_TRIGGERS.find((t) => wf.triggers.has(t))!;
  const reports: ScanReport[] = [];
  for (const job of wf.jobs) {
    if (isForkGuarded(job)) continue;
    for (const step of job.steps) {
      if (step.uses && /^actions\/checkout@/i.test(step.uses.value)) {
        for (const key of ["ref", "repository"]) {
          const pair = pairOf(step.with, key);
          const value = scalarText(pair?.value) ?? "";
          if (pair && (UNTRUSTED_REF.test(value) || UNTRUSTED_REPO.test(value))) {
            const [start, end] = pairRange(pair);
            reports.push({ message: `job "${job.id}" checks out the pull request's code under ${trigger}, which runs with repository secrets and a write token`, start, end });
          }
        }
      }
      if (step.run) {
        for (const { line, start } of linesIn(file.text, step.run.node)) {
          if (/\bgh\s+pr\s+checkout\b|git\s+fetch\b.*\bpull\/|git\s+checkout\b.*\$\{\{\s*github\.(head_ref|event\.pull_request\.head)/.test(line)) {
            const at = start + line.search(/\S/);
            reports.push({ message: `job "${job.id}" fetches the pull request's code under ${trigger}, which runs with repository secrets and a write token`, start: at, end: start + line.length });
          }
        }
      }
    }
  }
  return reports;
}
