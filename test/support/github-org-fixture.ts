import { exampleOf } from "./github-description.js";
import { forbidden, notFound, paginated, type StandinReply, type StandinRoute } from "./github-standin.js";

/**
 * GitHub organisations as the stand-in serves them, for `rampart audit github`. Every body starts from the
 * example response in GitHub's own description and changes only the fields a scenario is about, so the stand-in's
 * schema check catches any field GitHub does not send. Shared by the audit tests and the security lead's guide.
 */
export interface RepoFixture {
  name: string;
  secure: boolean;
  /** The token cannot see admin-only settings of this repo. */
  limited?: boolean;
}

/** The description's example for `template`, with `patch` merged in (objects merged, everything else replaced). */
export function example(template: string, patch: unknown = {}, name?: string): unknown {
  return merge(exampleOf(template, name), patch);
}

/** A one-item list built from the description's first list item. */
export function exampleItems(template: string, ...patches: unknown[]): unknown[] {
  const first = (exampleOf(template) as unknown[])[0];
  return patches.map((p) => merge(structuredClone(first), p));
}

function merge(base: unknown, patch: unknown): unknown {
  if (!isObject(base) || !isObject(patch)) return patch === undefined ? base : patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = merge(base[k], v);
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const ok = (body: unknown): StandinReply => ({ status: 200, body });
const enabled = { status: "enabled" };
const disabled = { status: "disabled" };

/** A repository's root listing holding SECURITY.md (from the description's directory example). */
export function listingWith(...names: string[]): StandinReply {
  return ok(
    names.map((name) =>
      merge(structuredClone((exampleOf("/repos/{owner}/{repo}/contents/{path}", "response-if-content-is-a-directory") as unknown[])[0]), {
        name,
        path: name,
        type: "file",
      }),
    ),
  );
}

export function repoRoutes(org: string, r: RepoFixture): StandinRoute[] {
  const base = `/repos/${org}/${r.name}`;
  const deny = r.limited ? forbidden("Must have admin rights to Repository.") : undefined;
  const analysis = r.secure
    ? { secret_scanning: enabled, secret_scanning_push_protection: enabled, dependabot_security_updates: enabled }
    : { secret_scanning: disabled, secret_scanning_push_protection: disabled, dependabot_security_updates: enabled };
  const hook = r.secure
    ? { id: 7, config: { url: "https://hooks.example.com/x", insecure_ssl: "0", secret: "********" } }
    : { id: 9, config: { url: "http://hooks.example.com/x?token=abc", insecure_ssl: "1" } };
  return [
    {
      path: base,
      reply: ok(
        example("/repos/{owner}/{repo}", {
          name: r.name,
          full_name: `${org}/${r.name}`,
          default_branch: "main",
          archived: false,
          ...(r.limited ? {} : { security_and_analysis: analysis }),
        }),
      ),
    },
    {
      path: `${base}/branches/main/protection`,
      reply:
        deny ??
        (r.secure
          ? ok(
              example("/repos/{owner}/{repo}/branches/{branch}/protection", {
                required_pull_request_reviews: { required_approving_review_count: 1 },
                allow_force_pushes: { enabled: false },
                allow_deletions: { enabled: false },
                enforce_admins: { enabled: true },
              }),
            )
          : { status: 404, body: { message: "Branch not protected" } }),
    },
    { path: `${base}/rules/branches/main`, reply: paginated([]) },
    {
      path: `${base}/actions/permissions/workflow`,
      reply: deny ?? ok({ default_workflow_permissions: r.secure ? "read" : "write", can_approve_pull_request_reviews: !r.secure }),
    },
    {
      path: `${base}/keys`,
      reply:
        deny ??
        paginated(exampleItems("/repos/{owner}/{repo}/keys", r.secure ? { title: "ci", read_only: true } : { title: "legacy deploy", read_only: false })),
    },
    {
      path: `${base}/collaborators`,
      reply: deny ?? paginated(r.secure ? [] : exampleItems("/repos/{owner}/{repo}/collaborators", { login: "contractor", permissions: { admin: true } })),
    },
    { path: `${base}/hooks`, reply: deny ?? paginated(exampleItems("/repos/{owner}/{repo}/hooks", hook)) },
    { path: `${base}/contents`, reply: deny ?? (r.secure ? listingWith("README.md", "SECURITY.md") : listingWith("README.md")) },
    { path: `${base}/contents/.github`, reply: deny ?? notFound() },
    { path: `${base}/contents/docs`, reply: deny ?? notFound() },
    { path: `${base}/private-vulnerability-reporting`, reply: deny ?? ok({ enabled: r.secure }) },
  ];
}

export function orgRoutes(org: string, secureOrg: boolean, repos: RepoFixture[], ownerToken = true): StandinRoute[] {
  const orgHook = secureOrg
    ? { config: { url: "https://hooks.example.com/org", insecure_ssl: "0", secret: "********" } }
    : { config: { url: "http://hooks.example.com/org", insecure_ssl: "1" } };
  return [
    { path: `/orgs/${org}`, reply: ok(example("/orgs/{org}", { login: org, two_factor_requirement_enabled: ownerToken ? secureOrg : null })) },
    {
      path: `/orgs/${org}/members`,
      reply: ownerToken
        ? paginated(secureOrg ? [] : exampleItems("/orgs/{org}/members", { login: "bob" }, { login: "eve" }))
        : { status: 422, body: { message: "Only owners can use this filter." } },
    },
    {
      path: `/orgs/${org}/actions/permissions/workflow`,
      reply: ownerToken ? ok({ default_workflow_permissions: secureOrg ? "read" : "write", can_approve_pull_request_reviews: false }) : forbidden(),
    },
    { path: `/orgs/${org}/hooks`, reply: ownerToken ? paginated(exampleItems("/orgs/{org}/hooks", orgHook)) : forbidden() },
    {
      path: `/orgs/${org}/repos`,
      reply: paginated(exampleItems("/orgs/{org}/repos", ...repos.map((r) => ({ name: r.name, full_name: `${org}/${r.name}`, archived: false }))), 30, 2),
    },
    { path: `/repos/${org}/.github/contents/:dir`, reply: notFound() },
    { path: `/repos/${org}/.github/contents`, reply: notFound() },
    ...repos.flatMap((r) => repoRoutes(org, r)),
  ];
}
