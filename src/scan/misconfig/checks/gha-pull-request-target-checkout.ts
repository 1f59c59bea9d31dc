import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { isForkGuarded, linesIn, PRIVILEGED_PR_TRIGGERS, parseWorkflow } from "../parsers/workflow.js";
import { pairOf, pairRange, scalarText } from "../parsers/yaml-source.js";

const UNTRUSTED_REF =
  /github\.event\.pull_request\.head\.(sha|ref)|github\.head_ref|refs\/pull\/|github\.event\.workflow_run\.head_(sha|branch)|github\.event\.pull_request\.merge_commit_sha/;
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
            reports.push({
              message: `job "${job.id}" checks out the pull request's code under ${trigger}, which runs with repository secrets and a write token`,
              start,
              end,
            });
          }
        }
      }
      if (step.run) {
        for (const { line, start } of linesIn(file.text, step.run.node)) {
          if (fetchesPullRequest(line)) {
            const at = start + line.search(/\S/);
            reports.push({
              message: `job "${job.id}" fetches the pull request's code under ${trigger}, which runs with repository secrets and a write token`,
              start: at,
              end: start + line.length,
            });
          }
        }
      }
    }
  }
  return reports;
}

/**
 * `gh pr checkout`, `git fetch … pull/…`, `git checkout … ${{ github.head_ref }}`. What follows `git fetch` or
 * `git checkout` is searched from its first occurrence on, once (`git\s+fetch\b.*\bpull\/` rescanned the line
 * from every occurrence: quadratic).
 */
function fetchesPullRequest(line: string): boolean {
  if (/\bgh\s+pr\s+checkout\b/.test(line)) return true;
  const fetch = line.search(/git\s+fetch\b/);
  if (fetch !== -1 && /\bpull\//.test(line.slice(fetch))) return true;
  const checkout = line.search(/git\s+checkout\b/);
  return checkout !== -1 && /\$\{\{\s*github\.(head_ref|event\.pull_request\.head)/.test(line.slice(checkout));
}
