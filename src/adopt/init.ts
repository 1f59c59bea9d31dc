import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { RampartError } from "../core/errors.js";
import { assertNoSymlinkBelow, writeFileNoFollow } from "../core/safe-file.js";
import type { Severity } from "../core/severity.js";
import { writeBaseline } from "../scan/baseline.js";
import { loadScanConfig } from "../scan/config.js";
import { scanPaths } from "../scan/engine.js";
import { configTemplate, INIT_FILES, workflowTemplate } from "./init-templates.js";
import { type SkeletonFile, skeletonFiles } from "./skeletons.js";

export interface InitChoices {
  failOn: Severity;
  workflow: boolean;
  baseline: boolean;
  skeletons: boolean;
  /** What the workflow installs: a git URL pinned to a commit or a tarball URL (see install-source.ts). */
  packageSpec: string;
  force: boolean;
}

export interface InitResult {
  written: string[];
  /** Findings recorded in the baseline (0 when there is none). */
  baselined: number;
}

/** Every file init would write, decided before anything touches the disk. */
export function planInit(choices: InitChoices): SkeletonFile[] {
  const files: SkeletonFile[] = [{ path: INIT_FILES.config, content: configTemplate() }];
  if (choices.workflow) files.push({ path: INIT_FILES.workflow, content: workflowTemplate(choices) });
  if (choices.skeletons) files.push(...skeletonFiles());
  return files;
}

/**
 * Writes the plan into `root`. Without `force`, an existing file stops init before anything is written,
 * so a second run never half-overwrites a project. The baseline is taken last, with the new config.
 */
export async function runInit(root: string, choices: InitChoices, version: string): Promise<InitResult> {
  const plan = planInit(choices);
  const targets = [...plan.map((f) => f.path), ...(choices.baseline ? [INIT_FILES.baseline] : [])];
  const existing = targets.filter((path) => existsSync(join(root, path)));
  if (existing.length > 0 && !choices.force) {
    const named = existing.length > 4 ? `${existing.slice(0, 4).join(", ")} and ${existing.length - 4} more` : existing.join(", ");
    throw new RampartError(
      `${named} already exist${existing.length === 1 ? "s" : ""} in ${root}; nothing was written. Rerun with --force to replace ${existing.length === 1 ? "it" : "them"}, or --no-workflow / --no-baseline / --no-skeletons to skip parts`,
    );
  }
  // A repository may hold a `.github` (or any other) symlink: nothing is written through one.
  for (const path of targets) assertNoSymlinkBelow(root, path);
  for (const file of plan) writeFile(root, file.path, file.content);
  const written = plan.map((f) => f.path);
  if (!choices.baseline) return { written, baselined: 0 };
  const config = loadScanConfig(undefined, root);
  const scan = await scanPaths({ paths: ["."], cwd: root, config, cache: false, version });
  writeBaseline(join(root, INIT_FILES.baseline), scan.findings);
  return { written: [...written, INIT_FILES.baseline], baselined: scan.findings.length };
}

function writeFile(root: string, rel: string, content: string): void {
  const path = join(root, rel);
  try {
    mkdirSync(dirname(path), { recursive: true });
    assertNoSymlinkBelow(root, rel); // again, now the directories exist
    writeFileNoFollow(path, content);
  } catch (error) {
    if (error instanceof RampartError) throw error;
    throw new RampartError(`cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? "error"}); check the directory is writable`, { file: path });
  }
}
