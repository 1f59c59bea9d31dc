import type { OrgSnapshot, RepoSnapshot, Seen } from "./snapshot.js";

/** What a check says about one org or repo: a problem, or that the token could not see the setting. */
export type Outcome = { subject: string; message: string; unknown?: { status: number } };
type Check = (org: OrgSnapshot) => Outcome[];

const perRepo = (f: (r: RepoSnapshot) => Outcome[]): Check => (org) => org.repos.flatMap(f);

function unknownOf<T>(subject: string, s: Seen<T>, what: string): Outcome[] | undefined {
  return "unknown" in s ? [{ subject, message: `could not read ${what}`, unknown: { status: s.status } }] : undefined;
}

const twoFactorRequired: Check = (org) => {
  const s = org.twoFactorRequired;
  if ("unknown" in s || s.value === null) return [{ subject: org.org, message: "could not read the 2FA requirement (GitHub hides it from non-owners)", unknown: { status: "unknown" in s ? s.status : 403 } }];
  return s.value ? [] : [{ subject: org.org, message: `${org.org} does not require two-factor authentication` }];
};

const membersWithout2fa: Check = (org) =>
  unknownOf(org.org, org.membersWithout2fa, "members' 2FA status") ??
  ("value" in org.membersWithout2fa && org.membersWithout2fa.value.length > 0 ? [{ subject: org.org, message: `${org.membersWithout2fa.value.length} members without 2FA: ${org.membersWithout2fa.value.slice(0, 10).join(", ")}` }] : []);

function workflowTokenProblems(subject: string, s: OrgSnapshot["workflowPermissions"]): Outcome[] {
  const unknown = unknownOf(subject, s, "the default workflow token permissions");
  if (unknown) return unknown;
  const v = (s as { value: { default_workflow_permissions?: string; can_approve_pull_request_reviews?: boolean } }).value;
  const out: Outcome[] = [];
  if (v.default_workflow_permissions === "write") out.push({ subject, message: `${subject}: the default GITHUB_TOKEN has write permissions` });
  if (v.can_approve_pull_request_reviews) out.push({ subject, message: `${subject}: GitHub Actions can create and approve pull requests` });
  return out;
}

const workflowToken: Check = (org) => [...workflowTokenProblems(org.org, org.workflowPermissions), ...org.repos.flatMap((r) => workflowTokenProblems(r.fullName, r.workflowPermissions))];

const branchProtection = perRepo((r) => {
  const rules = "value" in r.rulesetRules ? r.rulesetRules.value.map((x) => x.type) : [];
  const p = r.protection;
  if ("unknown" in p && rules.length === 0) return [{ subject: r.fullName, message: `could not read protection of ${r.defaultBranch}`, unknown: { status: p.status } }];
  const classic = "value" in p && p.value !== "none" ? p.value : undefined;
  const reviews = rules.includes("pull_request") || Boolean(classic?.required_pull_request_reviews);
  const noForce = rules.includes("non_fast_forward") || (classic !== undefined && !(classic.allow_force_pushes as { enabled?: boolean } | undefined)?.enabled);
  const noDelete = rules.includes("deletion") || (classic !== undefined && !(classic.allow_deletions as { enabled?: boolean } | undefined)?.enabled);
  if (!classic && rules.length === 0) return [{ subject: r.fullName, message: `${r.fullName}: ${r.defaultBranch} has no branch protection or ruleset` }];
  const gaps = [!reviews && "changes without review", !noForce && "force pushes", !noDelete && "deletion"].filter(Boolean);
  return gaps.length === 0 ? [] : [{ subject: r.fullName, message: `${r.fullName}: ${r.defaultBranch} allows ${gaps.join(", ")}` }];
});

const securityFeatures = perRepo((r) => {
  const unknown = unknownOf(r.fullName, r.securityAndAnalysis, "security and analysis settings");
  if (unknown) return unknown;
  const v = ("value" in r.securityAndAnalysis ? r.securityAndAnalysis.value : null) ?? {};
  const off = ["secret_scanning", "secret_scanning_push_protection", "dependabot_security_updates"].filter((k) => v[k]?.status !== "enabled");
  return off.length === 0 ? [] : [{ subject: r.fullName, message: `${r.fullName}: ${off.join(", ").replace(/_/g, " ")} off` }];
});

const deployKeys = perRepo((r) => unknownOf(r.fullName, r.deployKeys, "deploy keys") ?? ("value" in r.deployKeys ? r.deployKeys.value.filter((k) => !k.read_only).map((k) => ({ subject: r.fullName, message: `${r.fullName}: deploy key "${k.title}" can write` })) : []));

const outsideAdmins = perRepo((r) => unknownOf(r.fullName, r.outsideCollaborators, "outside collaborators") ?? ("value" in r.outsideCollaborators ? r.outsideCollaborators.value.filter((c) => c.permissions?.admin).map((c) => ({ subject: r.fullName, message: `${r.fullName}: outside collaborator ${c.login} is an admin` })) : []));

const webhooks = perRepo((r) => {
  const unknown = unknownOf(r.fullName, r.hooks, "webhooks");
  if (unknown || !("value" in r.hooks)) return unknown ?? [];
  return r.hooks.value.flatMap((h) => {
    const gaps = [h.config.url?.startsWith("http://") && "plain http", String(h.config.insecure_ssl) === "1" && "TLS verification off", !h.config.secret && "no secret"].filter(Boolean);
    return gaps.length === 0 ? [] : [{ subject: r.fullName, message: `${r.fullName}: webhook ${h.id} (${hostOf(h.config.url)}) has ${gaps.join(", ")}` }];
  });
});

const securityPolicy = perRepo((r) => {
  const out: Outcome[] = [];
  out.push(...(unknownOf(r.fullName, r.securityPolicy, "the community profile") ?? ("value" in r.securityPolicy && !r.securityPolicy.value ? [{ subject: r.fullName, message: `${r.fullName}: no SECURITY.md` }] : [])));
  out.push(...(unknownOf(r.fullName, r.privateVulnerabilityReporting, "private vulnerability reporting") ?? ("value" in r.privateVulnerabilityReporting && !r.privateVulnerabilityReporting.value ? [{ subject: r.fullName, message: `${r.fullName}: private vulnerability reporting is disabled` }] : [])));
  return out;
});

/** Hooks may carry credentials in the URL; only the host is shown. */
function hostOf(url: string | undefined): string {
  try {
    return new URL(url ?? "").host;
  } catch {
    return "invalid URL";
  }
}

export const checks: Record<string, Check> = {
  "github-org-2fa-not-required": twoFactorRequired,
  "github-members-without-2fa": membersWithout2fa,
  "github-workflow-token-can-write": workflowToken,
  "github-default-branch-unprotected": branchProtection,
  "github-secret-scanning-off": securityFeatures,
  "github-deploy-key-write": deployKeys,
  "github-outside-collaborator-admin": outsideAdmins,
  "github-webhook-insecure": webhooks,
  "github-no-security-policy": securityPolicy,
};
