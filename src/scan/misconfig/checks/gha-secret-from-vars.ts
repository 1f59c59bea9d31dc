import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { expressionsIn, parseWorkflow } from "../parsers/workflow.js";
import { isSecretName } from "../secret-names.js";

/**
 * ELZ-034(a): `vars.X || secrets.X` (or a bare `vars.X`) for a secret-named X lets a credential live
 * in configuration variables, which are stored and shown in clear and never masked in logs.
 */
export function check(file: FileContext): ScanReport[] {
  const wf = parseWorkflow(file);
  if (!wf) return [];
  return expressionsIn(file.text, wf.root).flatMap((expr) => {
    const name = [...expr.body.matchAll(/\bvars\.([A-Za-z0-9_]+)/g)].map((m) => m[1] ?? "").find(isSecretName);
    if (!name) return [];
    const fallback = new RegExp(`secrets\\.${name}\\b`).test(expr.body);
    return [
      {
        message: `${fallback ? `vars.${name} || secrets.${name}` : `vars.${name}`} reads a secret from configuration variables, which are unmasked in logs and visible to anyone with read access to settings; use secrets.${name} only`,
        start: expr.start,
        end: expr.end,
      },
    ];
  });
}
