import type { ClassicProtection, RepoSnapshot, RulesetRule } from "./snapshot.js";

/** What protects a branch against each way of changing it without review, from rulesets and classic protection. */
export interface Coverage {
  /** Pull requests are required (by a ruleset or classic protection). */
  pullRequests: boolean;
  /** The highest approval count any source requires. */
  approvals: number;
  noForcePush: boolean;
  noDeletion: boolean;
}

export function coverageOf(rules: RulesetRule[], classic: ClassicProtection | undefined): Coverage {
  const prRules = rules.filter((r) => r.type === "pull_request");
  const classicReviews = classic?.required_pull_request_reviews;
  const approvals = Math.max(
    0,
    ...prRules.map((r) => r.parameters?.required_approving_review_count ?? 0),
    classicReviews?.required_approving_review_count ?? 0,
  );
  return {
    pullRequests: prRules.length > 0 || classicReviews !== undefined,
    approvals,
    noForcePush: rules.some((r) => r.type === "non_fast_forward") || (classic !== undefined && classic.allow_force_pushes?.enabled !== true),
    noDeletion: rules.some((r) => r.type === "deletion") || (classic !== undefined && classic.allow_deletions?.enabled !== true),
  };
}

/** The gaps, worded for "main allows …"; empty when the branch needs an approved pull request for every change. */
export function gapsOf(c: Coverage, classic: ClassicProtection | undefined, rulesCoverAll: boolean): string[] {
  const gaps: string[] = [];
  if (!c.pullRequests) gaps.push("changes without review");
  else if (c.approvals < 1) gaps.push("merging with no approving review");
  if (!c.noForcePush) gaps.push("force pushes");
  if (!c.noDeletion) gaps.push("deletion");
  // Classic protection without enforce_admins binds everyone but admins; rulesets then have to carry the load.
  if (classic && classic.enforce_admins?.enabled !== true && !rulesCoverAll) gaps.push("administrators to bypass the classic protection");
  return gaps;
}

export function complete(c: Coverage): boolean {
  return c.pullRequests && c.approvals >= 1 && c.noForcePush && c.noDeletion;
}

/** Classic protection as a value (undefined when there is none, or the plan cannot have it). */
export function classicOf(p: RepoSnapshot["protection"]): ClassicProtection | undefined {
  return "value" in p && typeof p.value === "object" ? p.value : undefined;
}
