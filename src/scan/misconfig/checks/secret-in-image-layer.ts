import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { keyValues } from "../parsers/dockerfile.js";
import { isSecretName } from "../secret-names.js";

/** `ENV X_SECRET=...` and `ARG X_TOKEN=...` land in the image config and `docker history` for anyone who pulls it. */
export function check(file: FileContext): ScanReport[] {
  const reports: ScanReport[] = [];
  for (const instruction of file.dockerfile) {
    if (instruction.keyword !== "ENV" && instruction.keyword !== "ARG") continue;
    for (const { key, value } of keyValues(instruction)) {
      if (!isSecretName(key) || value === undefined || value.trim() === "") continue;
      const at = file.text.indexOf(key, instruction.argsStart);
      const start = at === -1 || at > instruction.end ? instruction.start : at;
      reports.push({
        message: `${instruction.keyword} ${key} bakes a secret into the image layers; pass it at run time or mount it with RUN --mount=type=secret`,
        start,
        end: start + key.length,
        ...(/^\$\{?[A-Za-z_]/.test(value) ? {} : { secret: value }),
      });
    }
  }
  return reports;
}
