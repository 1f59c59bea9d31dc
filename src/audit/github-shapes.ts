import type { Shape } from "../core/github-read.js";

/**
 * The fields of each GitHub answer the audit reads, as JSON Schema (from GitHub's REST description). A body
 * without them is reported as an unexpected answer naming the endpoint, never read as "setting off".
 */
const str = { type: "string" };
const bool = { type: "boolean" };
const obj = (properties: Record<string, unknown>, required: string[] = []): Shape => ({ type: "object", properties, required });

export const shapes = {
  org: obj({ login: str, two_factor_requirement_enabled: { type: ["boolean", "null"] } }),
  user: obj({ login: str, type: str }, ["login"]),
  repoListItem: obj({ name: str, archived: bool }, ["name"]),
  member: obj({ login: str }, ["login"]),
  workflowPermissions: obj({ default_workflow_permissions: str, can_approve_pull_request_reviews: bool }),
  repo: obj({ full_name: str, default_branch: str, fork: bool, security_and_analysis: { type: ["object", "null"] } }, ["full_name", "default_branch"]),
  protection: obj({
    required_pull_request_reviews: obj({ required_approving_review_count: { type: "integer" } }),
    enforce_admins: obj({ enabled: bool }),
    allow_force_pushes: obj({ enabled: bool }),
    allow_deletions: obj({ enabled: bool }),
  }),
  rule: obj({ type: str, parameters: { type: "object" } }, ["type"]),
  deployKey: obj({ title: str, read_only: bool }, ["read_only"]),
  collaborator: obj({ login: str, permissions: obj({ admin: bool }) }, ["login"]),
  hook: obj({ id: { type: "integer" }, config: obj({ url: str, insecure_ssl: { type: ["string", "number"] }, secret: str }) }, ["id", "config"]),
  /** A directory listing is an array; a path that is a file answers with one object. */
  contents: { anyOf: [{ type: "array", items: obj({ name: str, type: str }, ["name"]) }, obj({ name: str, type: str })] },
  privateVulnerabilityReporting: obj({ enabled: bool }, ["enabled"]),
} satisfies Record<string, Shape>;
