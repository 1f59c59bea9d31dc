import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { parseWorkflow } from "../parsers/workflow.js";

/**
 * GHA008: with no `permissions:` at the top and none on the job, the job token gets the
 * repository's default, which is read-write on older repos and org defaults. Reported per job.
 */
export function check(file: FileContext): ScanReport[] {
  const wf = parseWorkflow(file);
  if (!wf || wf.permissions) return [];
  // A reusable workflow's token is the caller's: its permissions are decided there.
  if (wf.triggers.size === 1 && wf.triggers.has("workflow_call")) return [];
  return wf.jobs
    .filter((job) => !job.permissions)
    .map((job) => ({
      message: `job "${job.id}" has no permissions block and the workflow sets none: its token gets the repository default (possibly write-all); add permissions: contents: read at the top`,
      start: job.keyStart,
      end: job.keyEnd,
    }));
}
