import type { GitHubFailure } from "../core/github-failure.js";
import { classicOf, complete, coverageOf, gapsOf } from "./branch-coverage.js";
import type { Hook, OrgSnapshot, RepoSnapshot, Seen } from "./snapshot.js";

/** What a check says about one org or repo: a problem, or that the setting could not be read (and why). */
export type Outcome = { subject: string; message: string; unknown?: GitHubFailure };
type Check = (org: OrgSnapshot) => Outcome[];

const perRepo =
  (f: (r: RepoSnapshot) => Outcome[]): Check =>
  (org) =>
    org.repos.flatMap(f);

function unknownOf<T>(subject: string, s: Seen<T>, what: string): Outcome[] | undefined {
  return "unknown" in s ? [{ subject, message: `could not read ${what}`, unknown: s.failure }] : undefined;
}

/** The findings of a setting that was read; `[]` for settings a user account does not have. */
function whenSeen<T>(subject: string, s: Seen<T> | undefined, what: string, judge: (v: T) => Outcome[]): Outcome[] {
  if (!s) return [];
  return unknownOf(subject, s, what) ?? judge((s as { value: T }).value);
}

const twoFactorRequired: Check = (org) =>
  whenSeen(org.org, org.twoFactorRequired, "the 2FA requirement", (required) =>
    required ? [] : [{ subject: org.org, message: `${org.org} does not require two-factor authentication` }],
  );

const membersWithout2fa: Check = (org) =>
  whenSeen(org.org, org.membersWithout2fa, "members' 2FA status", (logins) =>
    logins.length > 0 ? [{ subject: org.org, message: `${logins.length} members without 2FA: ${logins.slice(0, 10).join(", ")}` }] : [],
  );

function workflowTokenProblems(subject: string, s: OrgSnapshot["workflowPermissions"]): Outcome[] {
  return whenSeen(subject, s, "the default workflow token permissions", (v) => {
    const out: Outcome[] = [];
    if (v.default_workflow_permissions === "write") out.push({ subject, message: `${subject}: the default GITHUB_TOKEN has write permissions` });
    if (v.can_approve_pull_request_reviews) out.push({ subject, message: `${subject}: GitHub Actions can create and approve pull requests` });
    return out;
  });
}

const workflowToken: Check = (org) => [
  ...workflowTokenProblems(org.org, org.workflowPermissions),
  ...org.repos.flatMap((r) => workflowTokenProblems(r.fullName, r.workflowPermissions)),
];

/**
 * Rulesets and classic protection together. What could not be read only matters when what could be read leaves
 * a gap: then the verdict is unknown, never a guess either way.
 */
const branchProtection = perRepo((r) => {
  const rules = "value" in r.rulesetRules ? r.rulesetRules.value : [];
  const classic = classicOf(r.protection);
  const coverage = coverageOf(rules, classic);
  const rulesCoverAll = complete(coverageOf(rules, undefined));
  const gaps = gapsOf(coverage, classic, rulesCoverAll);
  if (gaps.length === 0) return [];
  const unreadable = "unknown" in r.protection ? r.protection : "unknown" in r.rulesetRules ? r.rulesetRules : undefined;
  const where = `${r.fullName}: ${r.defaultBranch}`;
  if (unreadable)
    return [
      {
        subject: r.fullName,
        message: `could not read all protection of ${r.defaultBranch}; what could be read allows ${gaps.join(", ")}`,
        unknown: unreadable.failure,
      },
    ];
  const plan =
    "value" in r.protection && r.protection.value === "plan" ? " (this repository's plan cannot have branch protection; make it public or upgrade)" : "";
  if (!classic && rules.length === 0) return [{ subject: r.fullName, message: `${where} has no branch protection or ruleset${plan}` }];
  return [{ subject: r.fullName, message: `${where} allows ${gaps.join(", ")}${plan}` }];
});

const securityFeatures = perRepo((r) =>
  whenSeen(r.fullName, r.securityAndAnalysis, "security and analysis settings", (v) => {
    const off = ["secret_scanning", "secret_scanning_push_protection", "dependabot_security_updates"].filter((k) => v[k]?.status !== "enabled");
    return off.length === 0 ? [] : [{ subject: r.fullName, message: `${r.fullName}: ${off.join(", ").replace(/_/g, " ")} off` }];
  }),
);

const deployKeys = perRepo((r) =>
  whenSeen(r.fullName, r.deployKeys, "deploy keys", (keys) =>
    keys.filter((k) => !k.read_only).map((k) => ({ subject: r.fullName, message: `${r.fullName}: deploy key "${k.title ?? "untitled"}" can write` })),
  ),
);

const outsideAdmins = perRepo((r) =>
  whenSeen(r.fullName, r.outsideCollaborators, "outside collaborators", (people) =>
    people.filter((c) => c.permissions?.admin).map((c) => ({ subject: r.fullName, message: `${r.fullName}: outside collaborator ${c.login} is an admin` })),
  ),
);

function hookProblems(subject: string, hooks: Hook[]): Outcome[] {
  return hooks.flatMap((h) => {
    const gaps = [
      h.config.url?.startsWith("http://") && "plain http",
      String(h.config.insecure_ssl) === "1" && "TLS verification off",
      !h.config.secret && "no secret",
    ].filter(Boolean);
    return gaps.length === 0 ? [] : [{ subject, message: `${subject}: webhook ${h.id} (${hostOf(h.config.url)}) has ${gaps.join(", ")}` }];
  });
}

const webhooks = perRepo((r) => whenSeen(r.fullName, r.hooks, "webhooks", (hooks) => hookProblems(r.fullName, hooks)));

const orgWebhooks: Check = (org) => whenSeen(org.org, org.hooks, "organization webhooks", (hooks) => hookProblems(org.org, hooks));

const securityPolicy = perRepo((r) => [
  ...whenSeen(r.fullName, r.securityPolicy, "SECURITY.md (repository contents)", (where) =>
    where === null
      ? [{ subject: r.fullName, message: `${r.fullName}: no SECURITY.md (looked in the root, .github/ and docs/, and in the owner's .github repository)` }]
      : [],
  ),
  ...whenSeen(r.fullName, r.privateVulnerabilityReporting, "private vulnerability reporting", (enabled) =>
    enabled ? [] : [{ subject: r.fullName, message: `${r.fullName}: private vulnerability reporting is disabled` }],
  ),
]);

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
  "github-org-webhook-insecure": orgWebhooks,
  "github-no-security-policy": securityPolicy,
};
