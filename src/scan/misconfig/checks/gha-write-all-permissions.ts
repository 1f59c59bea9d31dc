import type { Pair } from "yaml";
import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { parseWorkflow } from "../parsers/workflow.js";
import { pairRange, scalarText } from "../parsers/yaml-source.js";

/** GHA009: `permissions: write-all` gives the job token every write scope (contents, packages, actions...). */
export function check(file: FileContext): ScanReport[] {
  const wf = parseWorkflow(file);
  if (!wf) return [];
  const reports: ScanReport[] = [];
  const judge = (pair: Pair | undefined, where: string) => {
    if (!pair || scalarText(pair.value) !== "write-all") return;
    const [start, end] = pairRange(pair);
    reports.push({ message: `${where} grants permissions: write-all; list only the scopes it needs (e.g. contents: read)`, start, end });
  };
  judge(wf.permissions, "the workflow");
  for (const job of wf.jobs) judge(job.permissions, `job "${job.id}"`);
  return reports;
}
