import { join } from "node:path";
import type { Finding } from "../core/finding.js";
import { readYamlFile, schemaCheck } from "../core/yaml-document.js";
import { SHIPPED } from "./project-files.js";

export interface ChecklistItem {
  id: string;
  title: string;
  automated?: { scanRules: string[] };
  manual?: { attestation?: { by: string; at: string; evidence: string; expires: string } };
}

export type ItemStatus = "pass" | "fail" | "attested" | "stale" | "unattested";
export interface ItemResult {
  id: string;
  title: string;
  status: ItemStatus;
  detail: string;
}

const date = { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" };
const schema = {
  type: "object",
  additionalProperties: false,
  required: ["items"],
  properties: {
    items: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id", "title"],
        oneOf: [{ required: ["automated"] }, { required: ["manual"] }],
        properties: {
          id: { type: "string", pattern: "^[a-z0-9]+(-[a-z0-9]+)*$" },
          title: { type: "string" },
          automated: {
            type: "object",
            additionalProperties: false,
            required: ["scanRules"],
            properties: { scanRules: { type: "array", minItems: 1, items: { type: "string" } } },
          },
          manual: {
            type: "object",
            additionalProperties: false,
            properties: {
              attestation: {
                type: "object",
                additionalProperties: false,
                required: ["by", "at", "evidence", "expires"],
                properties: { by: { type: "string" }, at: date, evidence: { type: "string" }, expires: date },
              },
            },
          },
        },
      },
    },
  },
};

const CHECKLIST_FILE = join(SHIPPED.threatModelDir, "checklist.yaml");

export function loadChecklist(file = CHECKLIST_FILE): ChecklistItem[] {
  return readYamlFile<{ items: ChecklistItem[] }>(file, schemaCheck(schema)).value.items;
}

/** Pure: decides each item from a scan's findings and today's date. */
export function evaluateChecklist(items: ChecklistItem[], findings: readonly Finding[], today: string): ItemResult[] {
  return items.map((item) => (item.automated ? automated(item, item.automated.scanRules, findings) : manual(item, today)));
}

function automated(item: ChecklistItem, rules: string[], findings: readonly Finding[]): ItemResult {
  const hits = findings.filter((f) => rules.includes(f.ruleId));
  if (hits.length === 0) return { id: item.id, title: item.title, status: "pass", detail: `no findings of ${rules.length} rules` };
  const where = [...new Set(hits.map((h) => `${h.path}:${h.line} (${h.ruleId})`))].slice(0, 5).join(", ");
  return { id: item.id, title: item.title, status: "fail", detail: `${hits.length} findings: ${where}` };
}

function manual(item: ChecklistItem, today: string): ItemResult {
  const a = item.manual?.attestation;
  if (!a) return { id: item.id, title: item.title, status: "unattested", detail: "no attestation recorded" };
  if (a.expires < today)
    return {
      id: item.id,
      title: item.title,
      status: "stale",
      detail: `attested by ${a.by} on ${a.at}, expired ${a.expires}; re-check and update the attestation`,
    };
  return { id: item.id, title: item.title, status: "attested", detail: `by ${a.by} on ${a.at} (${a.evidence}), valid until ${a.expires}` };
}
