import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument, isMap, isSeq } from "yaml";
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

function withoutTestControls(text: string): string {
  const doc = parseDocument(text);
  const threats = doc.get("threats");
  if (!isSeq(threats)) return text;
  for (const threat of threats.items) {
    if (!isMap(threat)) continue;
    const controls = threat.get("controls");
    if (!isSeq(controls)) continue;
    controls.items = controls.items.filter((c) => !(isMap(c) && c.has("test")));
  }
  return doc.toString({ lineWidth: 0 });
}
