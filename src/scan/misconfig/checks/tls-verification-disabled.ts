import type { ScanFile, ScanReport } from "../../rule.js";
import { isEnvFile } from "../file-kinds.js";
import { parseDotenv } from "../parsers/dotenv.js";

const MESSAGE = "TLS certificate verification is switched off (NODE_TLS_REJECT_UNAUTHORIZED=0): every HTTPS call can be intercepted";

export function check(file: ScanFile): ScanReport[] {
  if (isEnvFile(file.path)) return envFile(file);
  return [];
}

function envFile(file: ScanFile): ScanReport[] {
  return parseDotenv(file.text)
    .filter((e) => e.key === "NODE_TLS_REJECT_UNAUTHORIZED" && e.value.trim() === "0")
    .map((e) => ({ message: MESSAGE, start: e.keyStart, end: e.valueEnd }));
}
