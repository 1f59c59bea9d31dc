import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { entry, envScopes } from "../env-scopes.js";

/**
 * ELZ-007: the JWKS verifier checks the issuer only when JWT_ISSUER_WHITELIST is set (and `*`
 * turns it off) and never checks the audience, so with a shared identity provider (Auth0 tenant,
 * Privy, Google) a token minted for any other app of that provider is accepted.
 */
export function check(file: FileContext): ScanReport[] {
  return envScopes(file).flatMap((scope) => {
    const jwks = entry(scope, "JWT_JWKS_URI");
    if (!jwks || jwks.value.trim() === "") return [];
    const whitelist = entry(scope, "JWT_ISSUER_WHITELIST");
    const value = whitelist?.value.trim() ?? "";
    if (value === "*" && whitelist) {
      return [
        {
          message: "JWT_ISSUER_WHITELIST=* accepts tokens from any issuer behind JWT_JWKS_URI; list the issuer(s) you trust",
          start: whitelist.keyStart,
          end: whitelist.valueEnd,
        },
      ];
    }
    if (value !== "" || (!whitelist && scope.open)) return [];
    return [
      {
        message: "JWT_JWKS_URI is set without JWT_ISSUER_WHITELIST: tokens from any issuer that shares these keys are accepted; pin the issuer",
        start: jwks.keyStart,
        end: jwks.valueEnd,
      },
    ];
  });
}
