import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { parseWorkflow } from "../parsers/workflow.js";
import { mapEntries, mapValue, pairRange, scalarText } from "../parsers/yaml-source.js";

/**
 * ACTIONS_ALLOW_UNSECURE_COMMANDS re-enables `::set-env` / `::add-path`, so any log line a step
 * prints (a PR title, a test name) can set environment variables such as NODE_OPTIONS for later steps.
 */
export function check(file: FileContext): ScanReport[] {
  const wf = parseWorkflow(file);
  if (!wf) return [];
  const envs = [mapValue(wf.root, "env"), ...wf.jobs.flatMap((job) => [mapValue(job.node, "env"), ...job.steps.map((step) => mapValue(step.node, "env"))])];
  return envs.flatMap((env) =>
    mapEntries(env)
      .filter(({ key, pair }) => key === "ACTIONS_ALLOW_UNSECURE_COMMANDS" && /^(true|1|yes)$/i.test((scalarText(pair.value) ?? "").trim()))
      .map(({ pair }) => {
        const [start, end] = pairRange(pair);
        return {
          message: "ACTIONS_ALLOW_UNSECURE_COMMANDS lets any printed line set environment variables and PATH for later steps; use $GITHUB_ENV / $GITHUB_PATH",
          start,
          end,
        };
      }),
  );
}
