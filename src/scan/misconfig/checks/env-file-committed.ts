import type { ScanFile, ScanReport } from "../../rule.js";
import { isDevelopmentEnvFile, isEnvFile, isEnvTemplate, isTestEnvFile } from "../file-kinds.js";
import { isSecretName } from "../secret-names.js";
import { isKnownUntracked } from "../tree.js";
import { parseDotenv } from "../parsers/dotenv.js";
import { isPlaceholder, isReference } from "../secret-values.js";

/**
 * ELZ-013: a real env file in the repository. Reported on its first assignment with a real value;
 * a file holding only empty or placeholder values is left alone. Test and development profiles
 * (`.env.test`, `.env.development`, which Vite and Next.js expect to be committed) are reported only
 * when they hold a secret-named key with a real value, on that key's line.
 */
export function check(file: ScanFile): ScanReport[] {
  // A local, untracked .env is what .env files are for; only a committed one is a finding.
  if (isKnownUntracked(file)) return [];
  const extra = /(^|\/)(\.envrc|\.dev\.vars)$/.test(file.path);
  if (!extra && (!isEnvFile(file.path) || isEnvTemplate(file.path))) return [];
  const profile = isTestEnvFile(file.path) || isDevelopmentEnvFile(file.path);
  const first = parseDotenv(file.text).find((e) => {
    const v = e.value.trim();
    if (v === "" || isReference(v) || isPlaceholder(v) || /^TEST_[A-Z0-9_]*VALUE$/.test(v)) return false;
    return !profile || isSecretName(e.key);
  });
  if (!first) return [];
  return [{ message: `${file.path} is an environment file in the repository: its values reach everyone with read access and every clone; keep only a template (.env.example)`, start: first.keyStart, end: first.keyStart + first.key.length }];
}
