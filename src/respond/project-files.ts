import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The threat model, checklist and playbooks that ship with Rampart (the skeletons `rampart init` copies). */
export const SHIPPED = {
  threatModelDir: fileURLToPath(new URL("../../threat-model/", import.meta.url)),
  playbooksDir: fileURLToPath(new URL("../../playbooks/", import.meta.url)),
} as const;

/**
 * Where the respond commands read YAML for a project at `root`: the project's own files once it has them
 * (after `rampart init`), otherwise the shipped ones, so the commands work before adoption too.
 */
export interface RespondFiles {
  threatModelDir: string;
  checklistFile: string;
  playbooksDir: string;
}

export function respondFiles(root: string): RespondFiles {
  const threatModelDir = existsSync(join(root, "threat-model", "model.yaml")) ? join(root, "threat-model") : SHIPPED.threatModelDir;
  const ownChecklist = join(root, "threat-model", "checklist.yaml");
  return {
    threatModelDir,
    checklistFile: existsSync(ownChecklist) ? ownChecklist : join(SHIPPED.threatModelDir, "checklist.yaml"),
    playbooksDir: hasYaml(join(root, "playbooks")) ? join(root, "playbooks") : SHIPPED.playbooksDir,
  };
}

function hasYaml(dir: string): boolean {
  try {
    return readdirSync(dir).some((f) => f.endsWith(".yaml"));
  } catch {
    return false;
  }
}
