import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readYamlFile, schemaCheck, type YamlSource } from "../core/yaml-document.js";
import { loadCatalogRules } from "../scan/registry.js";
import { loadChecklist } from "./checklist.js";
import { loadPlaybooks } from "./playbook.js";
import { respondFiles, SHIPPED } from "./project-files.js";

export const THREAT_MODEL_DIR = SHIPPED.threatModelDir;
/** Detector rules ship with Rampart; a project references them by id. */
const DETECT_RULES_DIR = fileURLToPath(new URL("../../rules/detect/", import.meta.url));

export type ControlKind = "preventive" | "detective" | "responsive";
/** A control points at something that really enforces it; exactly one reference per control. */
export interface Control {
  kind: ControlKind;
  scanRule?: string;
  detectorRule?: string;
  playbook?: string;
  checklistItem?: string;
  test?: string;
}

export interface Threat {
  id: string;
  title: string;
  stride: string[];
  assets: string[];
  likelihood: number;
  impact: number;
  controls: Control[];
  /** A known policy gap someone decided to carry for now, with the reason; shown, not failed. */
  riskAccepted?: string;
}

export interface ThreatModel {
  name: string;
  policy: { highScore: number };
  identity: Array<{ id: string; description: string; parent?: string }>;
  assets: Array<{ id: string; description: string }>;
  components: Array<{ id: string; description: string; boundary: string }>;
  boundaries: Array<{ id: string; description: string }>;
  flows: Array<{ from: string; to: string; data: string }>;
  threats: Threat[];
}

const ref = { type: "string", pattern: "^[a-z0-9]+(-[a-z0-9]+)*$" };
const named = { type: "object", required: ["id", "description"], properties: { id: ref, description: { type: "string" } } };
const schema = {
  type: "object",
  additionalProperties: false,
  required: ["name", "policy", "identity", "assets", "components", "boundaries", "flows", "threats"],
  properties: {
    name: { type: "string" },
    policy: { type: "object", additionalProperties: false, required: ["highScore"], properties: { highScore: { type: "integer", minimum: 1, maximum: 25 } } },
    identity: { type: "array", items: named },
    assets: { type: "array", items: named },
    components: { type: "array", items: { ...named, required: ["id", "description", "boundary"] } },
    boundaries: { type: "array", items: named },
    flows: { type: "array", items: { type: "object", required: ["from", "to", "data"] } },
    threats: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id", "title", "stride", "assets", "likelihood", "impact", "controls"],
        properties: {
          id: ref,
          title: { type: "string" },
          stride: {
            type: "array",
            minItems: 1,
            items: { enum: ["spoofing", "tampering", "repudiation", "information-disclosure", "denial-of-service", "elevation-of-privilege"] },
          },
          assets: { type: "array", items: ref },
          likelihood: { type: "integer", minimum: 1, maximum: 5 },
          impact: { type: "integer", minimum: 1, maximum: 5 },
          riskAccepted: { type: "string", minLength: 10 },
          controls: {
            type: "array",
            items: {
              type: "object",
              additionalProperties: false,
              required: ["kind"],
              minProperties: 2,
              maxProperties: 2,
              properties: {
                kind: { enum: ["preventive", "detective", "responsive"] },
                scanRule: ref,
                detectorRule: ref,
                playbook: ref,
                checklistItem: ref,
                test: { type: "string" },
              },
            },
          },
        },
      },
    },
  },
};

export interface ThreatProblem {
  file: string;
  line: number;
  message: string;
}

export interface ThreatCoverage {
  id: string;
  score: number;
  preventive: number;
  detective: number;
  responsive: number;
}

/**
 * Validates the model, resolves every reference against the real registries and applies the policy.
 * Playbooks, checklist items and tests resolve in the model's own repository (the directory above `dir`).
 */
export function checkThreatModel(dir = THREAT_MODEL_DIR): {
  model: ThreatModel;
  problems: ThreatProblem[];
  accepted: ThreatProblem[];
  coverage: ThreatCoverage[];
} {
  const file = join(dir, "model.yaml");
  const { value: model, source } = readYamlFile<ThreatModel>(file, schemaCheck(schema));
  const known = knownIds(dirname(resolve(dir)));
  const problems: ThreatProblem[] = [];
  const broken = new Set<Control>();
  const assets = new Set(model.assets.map((a) => a.id));
  model.threats.forEach((t, i) => {
    for (const [j, a] of t.assets.entries()) if (!assets.has(a)) problems.push(at(source, `/threats/${i}/assets/${j}`, `threat ${t.id}: unknown asset "${a}"`));

    t.controls.forEach((c, j) => {
      const why = unresolved(c, known);
      if (!why) return;
      broken.add(c);
      problems.push(at(source, `/threats/${i}/controls/${j}`, `threat ${t.id}: ${why}`));
    });
  });
  // Only controls that resolve count as coverage: a dangling reference protects nothing.
  const coverage = model.threats.map((t) => coverageOf({ ...t, controls: t.controls.filter((c) => !broken.has(c)) }));
  const accepted: ThreatProblem[] = [];
  coverage.forEach((c, i) => {
    const gap = policyGap(c, model.policy.highScore);
    if (!gap) return;
    const reason = model.threats[i]!.riskAccepted;
    const problem = at(source, `/threats/${i}`, `threat ${c.id} (score ${c.score}): ${gap}${reason ? `; risk accepted: ${reason}` : ""}`);
    (reason ? accepted : problems).push(problem);
  });
  return { model, problems, accepted, coverage };
}

function at(source: YamlSource, pointer: string, message: string): ThreatProblem {
  return { file: source.file, line: source.lineOf(pointer), message };
}

function knownIds(root: string) {
  const files = respondFiles(root);
  return {
    root,
    scanRules: new Set(loadCatalogRules().map((r) => r.meta.id)),
    playbooks: new Set(loadPlaybooks(files.playbooksDir).map((p) => p.id)),
    checklistItems: new Set(loadChecklist(files.checklistFile).map((i) => i.id)),
    detectorRules: new Set(readdirSync(DETECT_RULES_DIR).map((f) => f.replace(/\.ya?ml$/, ""))),
  };
}

function unresolved(c: Control, known: ReturnType<typeof knownIds>): string | undefined {
  if (c.scanRule !== undefined && !known.scanRules.has(c.scanRule)) return `scanRule "${c.scanRule}" is not a rule (see rampart rules list)`;
  if (c.playbook !== undefined && !known.playbooks.has(c.playbook)) return `playbook "${c.playbook}" does not exist under playbooks/`;
  if (c.checklistItem !== undefined && !known.checklistItems.has(c.checklistItem))
    return `checklistItem "${c.checklistItem}" is not in threat-model/checklist.yaml`;
  if (c.detectorRule !== undefined && !known.detectorRules.has(c.detectorRule)) return `detectorRule "${c.detectorRule}" does not exist under rules/detect/`;
  if (c.test !== undefined && !existsSync(join(known.root, c.test))) return `test "${c.test}" does not exist`;
  return undefined;
}

function coverageOf(t: Threat): ThreatCoverage {
  const count = (kind: ControlKind) => t.controls.filter((c) => c.kind === kind).length;
  return { id: t.id, score: t.likelihood * t.impact, preventive: count("preventive"), detective: count("detective"), responsive: count("responsive") };
}

function policyGap(c: ThreatCoverage, highScore: number): string | undefined {
  if (c.preventive + c.detective + c.responsive === 0) return "has no control";
  if (c.score < highScore) return undefined;
  if (c.responsive === 0) return `scores at or above ${highScore} and needs a responsive control (a playbook)`;
  if (c.preventive + c.detective === 0) return `scores at or above ${highScore} and needs a preventive or detective control`;
  return undefined;
}
