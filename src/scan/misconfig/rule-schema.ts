import { SEVERITIES, type Severity } from "../../core/severity.js";
import type { RuleExample } from "../rule.js";

/** The shape of one rules/misconfig/<id>.yaml file. */
export interface MisconfigRuleData {
  id: string;
  /** `secret` for a structural check that finds leaked values (reported and redacted as secrets). */
  category?: "misconfig" | "secret";
  severity: Severity;
  description: string;
  remediation: string;
  references: string[];
  files?: string[];
  keywords?: string[];
  /**
   * Regexes that must all match somewhere in the file before the check parses it: a cheap, deliberately
   * loose precondition (a superset of what the check reports) that spares parsing most files.
   */
  candidates?: string[];
  examples: { positive: MisconfigExample[]; negative: MisconfigExample[] };
}

/** A rule example; `tree` lists the other files of the repository for repo-level checks. */
export interface MisconfigExample extends RuleExample {
  file: string;
  tree?: string[];
  /** For positives whose report overrides the rule's severity: the severity expected on `line`. */
  severity?: Severity;
}

const example = {
  type: "object",
  required: ["file", "text"],
  additionalProperties: false,
  properties: {
    file: { type: "string", minLength: 1 },
    text: { type: "string" },
    line: { type: "integer", minimum: 1 },
    tree: { type: "array", items: { type: "string", minLength: 1 } },
    severity: { enum: [...SEVERITIES] },
  },
};

export const misconfigRuleSchema = {
  type: "object",
  required: ["id", "severity", "description", "remediation", "references", "examples"],
  additionalProperties: false,
  properties: {
    id: { type: "string", pattern: "^[a-z0-9]+(-[a-z0-9]+)*$" },
    category: { enum: ["misconfig", "secret"] },
    severity: { enum: [...SEVERITIES] },
    description: { type: "string", minLength: 10 },
    remediation: { type: "string", minLength: 10 },
    references: { type: "array", minItems: 1, items: { type: "string", minLength: 1 } },
    files: { type: "array", minItems: 1, items: { type: "string", minLength: 1 } },
    keywords: { type: "array", minItems: 1, items: { type: "string", minLength: 1 } },
    candidates: { type: "array", minItems: 1, items: { type: "string", minLength: 1 } },
    examples: {
      type: "object",
      required: ["positive", "negative"],
      additionalProperties: false,
      properties: {
        positive: { type: "array", minItems: 1, items: { ...example, required: ["file", "text", "line"] } },
        negative: { type: "array", minItems: 1, items: example },
      },
    },
  },
} as const;
