import type { ScanFile, ScanReport } from "../../rule.js";
import { check as tlsVerificationDisabled } from "./tls-verification-disabled.js";

/** One check per rule id; rules/misconfig/<id>.yaml selects its check here. */
export const CHECKS: Record<string, (file: ScanFile) => ScanReport[]> = {
  "tls-verification-disabled": tlsVerificationDisabled,
};
