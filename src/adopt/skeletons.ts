import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
import { SHIPPED } from "../respond/project-files.js";

export interface SkeletonFile {
  path: string;
  content: string;
}

/**
 * Our threat model, checklist and playbooks as a starting point for a project. Controls that point at
 * Rampart's own test files are dropped: they would not resolve in someone else's repository.
 */
export function skeletonFiles(): SkeletonFile[] {
  const model = readFileSync(join(SHIPPED.threatModelDir, "model.yaml"), "utf8");
  const files: SkeletonFile[] = [
    { path: "threat-model/model.yaml", content: withoutTestControls(model) },
    { path: "threat-model/checklist.yaml", content: readFileSync(join(SHIPPED.threatModelDir, "checklist.yaml"), "utf8") },
  ];
  for (const name of readdirSync(SHIPPED.playbooksDir).sort()) {
    if (!name.endsWith(".yaml") && !name.endsWith(".md")) continue;
    files.push({ path: `playbooks/${name}`, content: readFileSync(join(SHIPPED.playbooksDir, name), "utf8") });
  }
  return files;
}

/** Drops the lines of `test:` controls (one flow mapping per line in our model), keeping every other byte. */
function withoutTestControls(text: string): string {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const threats = doc.get("threats");
  if (!isSeq(threats)) return text;
  const drop = new Set<number>();
  for (const threat of threats.items) {
    const controls = isMap(threat) ? threat.get("controls") : undefined;
    if (!isSeq(controls)) continue;
    for (const c of controls.items) if (isMap(c) && c.has("test") && c.range) drop.add(lineCounter.linePos(c.range[0]).line);
  }
  return text
    .split("\n")
    .filter((_line, i) => !drop.has(i + 1))
    .join("\n");
}
