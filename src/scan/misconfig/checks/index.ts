import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { check as buildSecretInRuntimeEnv } from "./build-secret-in-runtime-env.js";
import { check as composeHostEscape } from "./compose-host-escape.js";
import { check as corsAnyOriginWithCredentials } from "./cors-any-origin-with-credentials.js";
import { check as dataIsolationSuperuserRole } from "./data-isolation-superuser-role.js";
import { check as dataIsolationWithoutJwtVerifier } from "./data-isolation-without-jwt-verifier.js";
import { check as databasePortPublished } from "./database-port-published.js";
import { check as defaultDatabasePassword } from "./default-database-password.js";
import { check as dockerfileRunsAsRoot } from "./dockerfile-runs-as-root.js";
import { check as elizaApiWithoutAuth } from "./eliza-api-without-auth.js";
import { check as elizaAuthTokenCleared } from "./eliza-auth-token-cleared.js";
import { check as elizaCharacterSecret } from "./eliza-character-secret.js";
import { check as elizaUiExposed } from "./eliza-ui-exposed.js";
import { check as envFileCommitted } from "./env-file-committed.js";
import { check as ghaCommentTriggerWithoutAuthorCheck } from "./gha-comment-trigger-without-author-check.js";
import { check as ghaInsecureCommands } from "./gha-insecure-commands.js";
import { check as ghaMissingPermissions } from "./gha-missing-permissions.js";
import { check as ghaPrivilegedTriggerSecrets } from "./gha-privileged-trigger-secrets.js";
import { check as ghaPullRequestTargetCheckout } from "./gha-pull-request-target-checkout.js";
import { check as ghaSecretEchoedOrWritten } from "./gha-secret-echoed-or-written.js";
import { check as ghaSecretFromVars } from "./gha-secret-from-vars.js";
import { check as ghaTemplateInjection } from "./gha-template-injection.js";
import { check as ghaUnpinnedAction } from "./gha-unpinned-action.js";
import { check as ghaWorkflowEnvSecrets } from "./gha-workflow-env-secrets.js";
import { check as ghaWriteAllPermissions } from "./gha-write-all-permissions.js";
import { check as hardcodedSecretFallback } from "./hardcoded-secret-fallback.js";
import { check as ignoreFileMissingSecrets } from "./ignore-file-missing-secrets.js";
import { check as imageUnpinned } from "./image-unpinned.js";
import { check as jwksWithoutIssuerPinning } from "./jwks-without-issuer-pinning.js";
import { check as jwtVerificationUnsafe } from "./jwt-verification-unsafe.js";
import { check as nonConstantTimeSecretComparison } from "./non-constant-time-secret-comparison.js";
import { check as remoteCharacterOverHttp } from "./remote-character-over-http.js";
import { check as secretInImageLayer } from "./secret-in-image-layer.js";
import { check as serverBindsAllInterfacesByDefault } from "./server-binds-all-interfaces-by-default.js";
import { check as sessionCookieInsecure } from "./session-cookie-insecure.js";
import { check as socketioCorsWildcard } from "./socketio-cors-wildcard.js";
import { check as socketioWithoutAuth } from "./socketio-without-auth.js";
import { check as tlsVerificationDisabled } from "./tls-verification-disabled.js";
import { check as weakOrPlaceholderSecret } from "./weak-or-placeholder-secret.js";

/** One check per rule id; rules/misconfig/<id>.yaml selects its check here. */
export const CHECKS: Record<string, (file: FileContext) => ScanReport[]> = {
  "build-secret-in-runtime-env": buildSecretInRuntimeEnv,
  "compose-host-escape": composeHostEscape,
  "cors-any-origin-with-credentials": corsAnyOriginWithCredentials,
  "data-isolation-superuser-role": dataIsolationSuperuserRole,
  "data-isolation-without-jwt-verifier": dataIsolationWithoutJwtVerifier,
  "database-port-published": databasePortPublished,
  "default-database-password": defaultDatabasePassword,
  "dockerfile-runs-as-root": dockerfileRunsAsRoot,
  "eliza-api-without-auth": elizaApiWithoutAuth,
  "eliza-auth-token-cleared": elizaAuthTokenCleared,
  "eliza-character-secret": elizaCharacterSecret,
  "eliza-ui-exposed": elizaUiExposed,
  "env-file-committed": envFileCommitted,
  "gha-comment-trigger-without-author-check": ghaCommentTriggerWithoutAuthorCheck,
  "gha-insecure-commands": ghaInsecureCommands,
  "gha-missing-permissions": ghaMissingPermissions,
  "gha-privileged-trigger-secrets": ghaPrivilegedTriggerSecrets,
  "gha-pull-request-target-checkout": ghaPullRequestTargetCheckout,
  "gha-secret-echoed-or-written": ghaSecretEchoedOrWritten,
  "gha-secret-from-vars": ghaSecretFromVars,
  "gha-template-injection": ghaTemplateInjection,
  "gha-unpinned-action": ghaUnpinnedAction,
  "gha-workflow-env-secrets": ghaWorkflowEnvSecrets,
  "gha-write-all-permissions": ghaWriteAllPermissions,
  "hardcoded-secret-fallback": hardcodedSecretFallback,
  "ignore-file-missing-secrets": ignoreFileMissingSecrets,
  "image-unpinned": imageUnpinned,
  "jwks-without-issuer-pinning": jwksWithoutIssuerPinning,
  "jwt-verification-unsafe": jwtVerificationUnsafe,
  "non-constant-time-secret-comparison": nonConstantTimeSecretComparison,
  "remote-character-over-http": remoteCharacterOverHttp,
  "secret-in-image-layer": secretInImageLayer,
  "server-binds-all-interfaces-by-default": serverBindsAllInterfacesByDefault,
  "session-cookie-insecure": sessionCookieInsecure,
  "socketio-cors-wildcard": socketioCorsWildcard,
  "socketio-without-auth": socketioWithoutAuth,
  "tls-verification-disabled": tlsVerificationDisabled,
  "weak-or-placeholder-secret": weakOrPlaceholderSecret,
};
