import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { isDevelopmentEnvFile, isEnvFile, isEnvTemplate, isTestEnvFile } from "../file-kinds.js";
import { isSecretName } from "../secret-names.js";
import { isPlaceholder, isReference } from "../secret-values.js";

/**
 * ELZ-013: a real env file in the repository. Reported on its first assignment with a real value,
 * at the rule's severity when it holds secret-named values and at low otherwise; a file holding
 * only empty or placeholder values is left alone. Test and development profiles
 * (`.env.test`, `.env.development`, which Vite and Next.js expect to be committed) are reported only
 * when they hold a secret-named key with a real value, on that key's line.
 */
export function check(file: FileContext): ScanReport[] {
  // A local, untracked .env is what .env files are for; only a committed one is a finding.
  if (file.tracked === false) return [];
  const extra = /(^|\/)(\.envrc|\.dev\.vars)$/.test(file.path);
  if (!extra && (!isEnvFile(file.path) || isEnvTemplate(file.path))) return [];
  const profile = isTestEnvFile(file.path) || isDevelopmentEnvFile(file.path);
  const real = file.dotenv.filter((e) => {
    const v = e.value.trim();
    return v !== "" && !isReference(v) && !isPlaceholder(v) && !/^TEST_[A-Z0-9_]*VALUE$/.test(v);
  });
  // In a test or development profile, `test-api-key` and `fake-token` are what the tests run with.
  const secrets = real.filter((e) => isSecretName(e.key) && !(profile && isTestValue(e.value.trim())));
  const first = profile ? secrets[0] : real[0];
  if (!first) return [];
  if (secrets.length === 0) {
    // Host names and log levels only: still a deployment detail in git, but not a credential leak.
    return [
      {
        message: `${file.path} is an environment file in the repository (no secret-named values found); keep only a template (.env.example) and move settings to the deployment`,
        start: first.keyStart,
        end: first.keyStart + first.key.length,
        severity: "low",
      },
    ];
  }
  const names =
    secrets
      .slice(0, 3)
      .map((e) => e.key)
      .join(", ") + (secrets.length > 3 ? `, and ${secrets.length - 3} more` : "");
  return [
    {
      message: `${file.path} is an environment file in the repository holding ${names}: every clone and fork has them; rotate them and keep only a template (.env.example)`,
      start: first.keyStart,
      end: first.keyStart + first.key.length,
    },
  ];
}

/** A value that says it is for tests: `test-api-key`, `sk-test-123`, `fake_token`, `mock-secret`, `dummy`. */
function isTestValue(value: string): boolean {
  return /(^|[^a-z])(test|testing|fake|mock|dummy|stub|fixture|local|dev)([^a-z]|$)/i.test(value);
}
