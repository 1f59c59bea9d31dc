import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { entry, envScopes } from "../env-scopes.js";

const VERIFIERS = ["JWT_SECRET", "JWT_JWKS_URI", "JWT_ED25519_PUBLIC_KEY", "PRIVY_VERIFICATION_KEY"];

/** ELZ-006: with isolation on and no verifier, the JWT middleware logs a warning and lets every request through. */
export function check(file: FileContext): ScanReport[] {
  return envScopes(file).flatMap((scope) => {
    const isolation = entry(scope, "ENABLE_DATA_ISOLATION");
    if (isolation?.value.trim().toLowerCase() !== "true") return [];
    if (scope.open) return [];
    const configured = VERIFIERS.some((key) => {
      const e = entry(scope, key) ?? entry(scope, `${key}_FILE`);
      return e !== undefined && e.value.trim() !== "";
    });
    if (configured) return [];
    return [
      {
        message: `ENABLE_DATA_ISOLATION=true but no JWT verifier (${VERIFIERS.join(", ")}) is set: the middleware fails open and tenants are not isolated`,
        start: isolation.keyStart,
        end: isolation.valueEnd,
      },
    ];
  });
}
