import { readFileSync, writeFileSync } from "node:fs";
import { isMap, isNode, isSeq, parseDocument } from "yaml";
import { ConfigError } from "../core/errors.js";
import { redactRecordData } from "../scan/redact-text.js";
import { loadChecklist } from "./checklist.js";

export interface Attestation {
  by: string;
  at: string;
  evidence: string;
  expires: string;
}

/**
 * Records who checked a manual item, when, the evidence and until when it holds, in the checklist file itself
 * (so the attestation is reviewed and versioned like code). Comments and layout of the file are kept.
 */
export function attestItem(file: string, id: string, attestation: Attestation): void {
  const items = loadChecklist(file);
  const item = items.find((i) => i.id === id);
  if (!item) throw new ConfigError(`no checklist item "${id}"; items: ${items.map((i) => i.id).join(", ")}`, { file });
  if (!item.manual) throw new ConfigError(`"${id}" is automated (a scan decides it); only manual items take an attestation`, { file });
  if (attestation.expires <= attestation.at)
    throw new ConfigError(`the attestation would expire (${attestation.expires}) before it starts (${attestation.at}); pass a later --expires`, { file });
  const text = readFileSync(file, "utf8");
  const doc = parseDocument(text);
  const list = doc.get("items");
  const entry = isSeq(list) ? list.items.find((n) => isMap(n) && n.get("id") === id) : undefined;
  const manual = isMap(entry) ? entry.get("manual", true) : undefined;
  if (!isNode(manual) || !manual.range) throw new ConfigError(`cannot find the manual block of "${id}" in the YAML`, { file });
  // Only the item's `manual:` value is replaced, so every comment and the file's layout stay as they were.
  const fields = redactRecordData(attestation);
  const value = `{ attestation: { ${Object.entries(fields)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(", ")} } }`;
  writeFileSync(file, `${text.slice(0, manual.range[0])}${value}${text.slice(manual.range[1])}`);
}
