import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { parseWorkflow } from "../parsers/workflow.js";
import { sourceOf } from "../parsers/yaml-source.js";

const COMMENT_TRIGGERS = ["issue_comment", "pull_request_review_comment", "discussion_comment", "pull_request_review"];

/**
 * GHA003: anyone can comment on a public issue. A comment-triggered job (a `/deploy` command, an
 * `@claude` agent) must check that the commenter is OWNER, MEMBER or COLLABORATOR before it acts.
 */
export function check(file: FileContext): ScanReport[] {
  const wf = parseWorkflow(file);
  if (!wf) return [];
  const trigger = COMMENT_TRIGGERS.find((t) => wf.triggers.has(t));
  if (!trigger) return [];
  return wf.jobs
    .filter((job) => !isGated(sourceOf(file.text, job.node).raw))
    .map((job) => ({
      message: `job "${job.id}" runs on ${trigger} for any commenter; gate it on github.event.comment.author_association (OWNER, MEMBER, COLLABORATOR)`,
      start: job.keyStart,
      end: job.keyEnd,
    }));
}

/** An author_association test, a collaborator-permission lookup, or a permission-check action. */
function isGated(jobSource: string): boolean {
  return /author_association|collaborators\/[^\s/]*\/permission|getCollaboratorPermissionLevel|check-user-permission|actor-permission|has-permission/i.test(
    jobSource,
  );
}
