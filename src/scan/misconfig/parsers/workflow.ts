import { isMap, isScalar, isSeq, type Pair } from "yaml";
import type { FileContext } from "../../file-context.js";
import { mapEntries, mapValue, pairOf, rangeOf, scalarText, seqItems, sourceOf } from "./yaml-source.js";

/** A GitHub Actions workflow read structurally, with source offsets for every piece the rules report on. */
export interface Workflow {
  text: string;
  triggers: Set<string>;
  root: unknown;
  /** `on:` node (for trigger options such as workflow_dispatch inputs). */
  on: unknown;
  permissions: Pair | undefined;
  jobs: WorkflowJob[];
}

export interface WorkflowJob {
  id: string;
  keyStart: number;
  keyEnd: number;
  node: unknown;
  permissions: Pair | undefined;
  steps: WorkflowStep[];
}

export interface WorkflowStep {
  node: unknown;
  uses?: { value: string; start: number; end: number };
  run?: { node: unknown };
  with: unknown;
}

/** The workflow read from a file context's `yaml` view; undefined when the file is no workflow-shaped YAML. */
export function parseWorkflow(file: FileContext): Workflow | undefined {
  const { text, yaml: doc } = file;
  if (!doc || !isMap(doc.contents)) return undefined;
  const root = doc.contents;
  const on = mapValue(root, "on") ?? mapValue(root, "true");
  return {
    text,
    triggers: triggersOf(on),
    root,
    on,
    permissions: pairOf(root, "permissions"),
    jobs: mapEntries(mapValue(root, "jobs")).map(({ key, pair }) => toJob(key, pair)),
  };
}

function triggersOf(on: unknown): Set<string> {
  if (isScalar(on)) return new Set([String(on.value)]);
  if (isSeq(on)) return new Set(on.items.map((i) => scalarText(i) ?? ""));
  return new Set(mapEntries(on).map((e) => e.key));
}

function toJob(id: string, pair: Pair): WorkflowJob {
  const [keyStart, keyEnd] = rangeOf(pair.key);
  const node = pair.value;
  return {
    id,
    keyStart,
    keyEnd,
    node,
    permissions: pairOf(node, "permissions"),
    steps: seqItems(mapValue(node, "steps")).map(toStep),
  };
}

function toStep(node: unknown): WorkflowStep {
  const usesNode = mapValue(node, "uses");
  const uses = scalarText(usesNode);
  const [start, end] = rangeOf(usesNode);
  const runNode = mapValue(node, "run");
  return {
    node,
    ...(uses !== undefined ? { uses: { value: uses, start, end } } : {}),
    ...(runNode !== undefined ? { run: { node: runNode } } : {}),
    with: mapValue(node, "with"),
  };
}

export interface Expression {
  /** The text between `${{` and `}}`, trimmed. */
  body: string;
  start: number;
  end: number;
}

/** Every `${{ ... }}` inside a node, with offsets into the file. */
export function expressionsIn(text: string, node: unknown): Expression[] {
  const { raw, start } = sourceOf(text, node);
  const out: Expression[] = [];
  // indexOf, not a lazy regex: an unclosed `${{` would make the regex rescan the rest from every later one.
  for (let open = raw.indexOf("${{"); open !== -1; ) {
    const close = raw.indexOf("}}", open + 3);
    if (close === -1) break;
    out.push({ body: raw.slice(open + 3, close).trim(), start: start + open, end: start + close + 2 });
    open = raw.indexOf("${{", close + 2);
  }
  return out;
}

/** Each source line of a node with its offset (for line-oriented shell checks inside `run:`). */
export function linesIn(text: string, node: unknown): Array<{ line: string; start: number }> {
  const { raw, start } = sourceOf(text, node);
  const out: Array<{ line: string; start: number }> = [];
  let offset = 0;
  for (const line of raw.split("\n")) {
    out.push({ line, start: start + offset });
    offset += line.length + 1;
  }
  return out;
}

export const PRIVILEGED_PR_TRIGGERS = ["pull_request_target", "workflow_run"];

/**
 * A job whose `if:` only lets trusted runs through: same-repository pull requests
 * (`head.repo.full_name == github.repository`, `head.repo.fork == false`) or workflow_run events
 * that came from a push. Such jobs never see a fork's code or a fork's trigger.
 */
export function isForkGuarded(job: WorkflowJob): boolean {
  const condition = scalarText(mapValue(job.node, "if")) ?? "";
  return (
    /pull_request\.head\.repo\.full_name\s*==\s*github\.repository|github\.repository\s*==\s*github\.event\.pull_request\.head\.repo\.full_name/.test(
      condition,
    ) ||
    /pull_request\.head\.repo\.fork\s*==\s*false|!\s*github\.event\.pull_request\.head\.repo\.fork/.test(condition) ||
    /workflow_run\.event\s*==\s*'push'|workflow_run\.event\s*!=\s*'pull_request'/.test(condition)
  );
}
