import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../core/errors.js";
import { readYamlFile, schemaCheck } from "../core/yaml-document.js";
import { SHIPPED } from "./project-files.js";

export interface PlaybookStep {
  id: string;
  title: string;
  phase: "detect" | "contain" | "eradicate" | "recover";
  owner: string;
  /** A Rampart command the responder runs for this step. */
  run?: string;
}

export interface Playbook {
  id: string;
  title: string;
  summary: string;
  severity: Record<string, string>;
  roles: Array<{ id: string; description: string }>;
  triggers?: { scanRules?: string[]; detectorRules?: string[] };
  steps: PlaybookStep[];
  /** Advice for the public (users, community), rendered into the migration-safety page. */
  publicGuidance?: string[];
}

export const PLAYBOOKS_DIR = SHIPPED.playbooksDir;

const id = { type: "string", pattern: "^[a-z0-9]+(-[a-z0-9]+)*$" };
const schema = {
  type: "object",
  additionalProperties: false,
  required: ["id", "title", "summary", "severity", "roles", "steps"],
  properties: {
    id,
    title: { type: "string", minLength: 1 },
    summary: { type: "string", minLength: 1 },
    severity: { type: "object", minProperties: 1, additionalProperties: { type: "string" } },
    roles: {
      type: "array",
      minItems: 1,
      items: { type: "object", additionalProperties: false, required: ["id", "description"], properties: { id, description: { type: "string" } } },
    },
    triggers: {
      type: "object",
      additionalProperties: false,
      properties: { scanRules: { type: "array", items: { type: "string" } }, detectorRules: { type: "array", items: { type: "string" } } },
    },
    publicGuidance: { type: "array", items: { type: "string", minLength: 1 } },
    steps: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id", "title", "phase", "owner"],
        properties: {
          id,
          title: { type: "string" },
          phase: { enum: ["detect", "contain", "eradicate", "recover"] },
          owner: { type: "string" },
          run: { type: "string", pattern: "^rampart " },
        },
      },
    },
  },
};
const check = schemaCheck(schema);

/** Loads and validates every playbook: schema, unique step ids, owners that are declared roles, id = file name. */
export function loadPlaybooks(dir = PLAYBOOKS_DIR): Playbook[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort();
  return files.map((name) => {
    const file = join(dir, name);
    const { value, source } = readYamlFile<Playbook>(file, check);
    const problem = crossCheck(value, name);
    if (problem) throw new ConfigError(problem.message, { file, line: source.lineOf(problem.pointer) });
    return value;
  });
}

function crossCheck(playbook: Playbook, fileName: string): { message: string; pointer: string } | undefined {
  if (`${playbook.id}.yaml` !== fileName) return { message: `id "${playbook.id}" must match the file name ${fileName}`, pointer: "/id" };
  const roles = new Set(playbook.roles.map((r) => r.id));
  const seen = new Set<string>();
  for (const [i, step] of playbook.steps.entries()) {
    if (seen.has(step.id)) return { message: `step id "${step.id}" is used twice; step ids must be unique`, pointer: `/steps/${i}/id` };
    seen.add(step.id);
    if (!roles.has(step.owner))
      return {
        message: `step "${step.id}" is owned by "${step.owner}", which is not one of the roles (${[...roles].join(", ")})`,
        pointer: `/steps/${i}/owner`,
      };
  }
  return undefined;
}

export function findPlaybook(id: string, dir = PLAYBOOKS_DIR): Playbook {
  const all = loadPlaybooks(dir);
  const found = all.find((p) => p.id === id);
  if (!found) throw new ConfigError(`no playbook "${id}"; available: ${all.map((p) => p.id).join(", ")}`, { file: dir });
  return found;
}
