import type { ScanFile, ScanReport } from "../../rule.js";
import { isDeployedEnvFile } from "../file-kinds.js";
import { parseDotenv } from "../parsers/dotenv.js";
import { isPlaceholder, isReference } from "../secret-values.js";

/**
 * ELZ-013: a real env file in the repository. Reported on its first assignment with a real value;
 * a file holding only empty or placeholder values (a test fixture like `.env.test`) is left alone.
 */
export function check(file: ScanFile): ScanReport[] {
  if (!isDeployedEnvFile(file.path) && !/(^|\/)(\.envrc|\.dev\.vars)$/.test(file.path)) return [];
  const first = parseDotenv(file.text).find((e) => {
    const v = e.value.trim();
    return v !== "" && !isReference(v) && !isPlaceholder(v) && !/^TEST_[A-Z0-9_]*VALUE$/.test(v);
  });
  if (!first) return [];
  return [{ message: `${file.path} is an environment file in the repository: its values reach everyone with read access and every clone; keep only a template (.env.example)`, start: first.keyStart, end: first.keyStart + first.key.length }];
}
