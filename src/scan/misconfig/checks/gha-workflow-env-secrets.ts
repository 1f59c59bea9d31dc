import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { expressionsIn, parseWorkflow } from "../parsers/workflow.js";
import { mapEntries, mapValue, pairOf, rangeOf } from "../parsers/yaml-source.js";

/** Fewer than this many secrets at workflow level is a convenience worth a medium finding only when shared widely. */
const MANY = 5;
const FIRST_PARTY = /^(actions|github)\//i;

/**
 * A workflow-level `env:` holding secrets puts every one of them in the environment of every step of every
 * job, third-party actions included: one compromised or tag-moved action reads them all. Reported when the
 * workflow-level env holds several secrets and some step runs an action from outside actions/* and github/*.
 */
export function check(file: FileContext): ScanReport[] {
  const wf = parseWorkflow(file);
  if (!wf) return [];
  const env = mapValue(wf.root, "env");
  const secrets = mapEntries(env).filter(({ pair }) => expressionsIn(file.text, pair.value).some((e) => /\bsecrets\.(?!GITHUB_TOKEN\b)/.test(e.body)));
  if (secrets.length < MANY) return [];
  const thirdParty = wf.jobs.flatMap((job) =>
    job.steps.flatMap((s) => (s.uses && !FIRST_PARTY.test(s.uses.value) && !s.uses.value.startsWith("./") ? [s.uses.value] : [])),
  );
  if (thirdParty.length === 0) return [];
  const [start, end] = rangeOf(pairOf(wf.root, "env")?.key);
  const actions = [...new Set(thirdParty.map((a) => a.split("@")[0]))];
  const named = actions.slice(0, 3).join(", ") + (actions.length > 3 ? `, and ${actions.length - 3} more` : "");
  return [
    {
      message: `${secrets.length} secrets in the workflow-level env reach every step, including third-party actions (${named}); move each secret to the env of the step that needs it`,
      start,
      end: Math.max(end, start + 1),
    },
  ];
}
