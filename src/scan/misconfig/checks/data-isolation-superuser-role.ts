import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { entry, envScopes } from "../env-scopes.js";

const URL_KEYS = ["POSTGRES_URL", "DATABASE_URL"];

/**
 * ELZ-018: tenant isolation relies on Postgres row-level security, which a superuser bypasses. In the
 * official images the `postgres` role is the superuser, so isolation through it is silently void.
 */
export function check(file: FileContext): ScanReport[] {
  return envScopes(file).flatMap((scope) => {
    const isolation = entry(scope, "ENABLE_DATA_ISOLATION");
    if (isolation?.value.trim().toLowerCase() !== "true") return [];
    return URL_KEYS.flatMap((key) => {
      const url = entry(scope, key);
      if (!url || userOf(url.value) !== "postgres") return [];
      return [
        {
          message: `${key} connects as "postgres" (a superuser in the official images) while ENABLE_DATA_ISOLATION=true: row-level security does not apply to superusers; connect as a non-superuser role`,
          start: url.keyStart,
          end: url.valueEnd,
        },
      ];
    });
  });
}

function userOf(url: string): string | undefined {
  const m = /^postgres(?:ql)?:\/\/([^:@/\s]+)(?::[^@\s]*)?@/i.exec(url.trim());
  return m?.[1] ? decodeURIComponent(m[1]) : undefined;
}
