import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { envScopes } from "../env-scopes.js";
import { effectiveLiteral, isDictionaryWord, isPlaceholder } from "../secret-values.js";

const PASSWORD_KEYS = new Set([
  "POSTGRES_PASSWORD",
  "MYSQL_ROOT_PASSWORD",
  "MYSQL_PASSWORD",
  "MARIADB_ROOT_PASSWORD",
  "MARIADB_PASSWORD",
  "MONGO_INITDB_ROOT_PASSWORD",
  "REDIS_PASSWORD",
  "PGPASSWORD",
  "DB_PASSWORD",
  "DATABASE_PASSWORD",
]);

/** ELZ-016: the official images' documented defaults, and switches that drop the password entirely. */
export function check(file: FileContext): ScanReport[] {
  return envScopes(file)
    .filter((s) => s.kind !== "dockerfile")
    .flatMap((s) => s.entries)
    .flatMap((e): ScanReport[] => {
      const value = effectiveLiteral(e.value) ?? "";
      if (PASSWORD_KEYS.has(e.key) && value !== "" && (isDictionaryWord(value) || isPlaceholder(value) || value.length < 8)) {
        return [
          {
            message: `${e.key} is a default or guessable password: anyone who reaches the database logs in as its superuser`,
            start: e.keyStart,
            end: e.valueEnd,
            secret: value,
          },
        ];
      }
      if (e.key === "POSTGRES_HOST_AUTH_METHOD" && value.toLowerCase() === "trust") {
        return [{ message: "POSTGRES_HOST_AUTH_METHOD=trust lets any client connect without a password", start: e.keyStart, end: e.valueEnd }];
      }
      if ((e.key === "MYSQL_ALLOW_EMPTY_PASSWORD" || e.key === "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD") && /^(yes|true|1)$/i.test(value)) {
        return [{ message: `${e.key} lets the root user log in without a password`, start: e.keyStart, end: e.valueEnd }];
      }
      return [];
    });
}
