import type { Finding } from "../core/finding.js";

const IGNORE = /rampart:ignore(-next-line)?\b/;
const GITLEAKS_ALLOW = /gitleaks:allow/;

/** What a `rampart:ignore` comment says about one line. */
interface Directive {
  reason: string;
}

/**
 * Drops findings silenced inline: `rampart:ignore <reason>` on the finding's line, `rampart:ignore-next-line
 * <reason>` on the line before, or gitleaks' `gitleaks:allow` (for migrating users). An ignore without a
 * reason does not apply; the finding stays and its message says how to fix the comment.
 */
export function applyInlineIgnores(findings: Finding[], lineText: (line: number) => string | undefined): Finding[] {
  if (findings.length === 0) return findings;
  const out: Finding[] = [];
  for (const finding of findings) {
    const directive = directiveFor(finding.line, lineText);
    if (directive === "allow") continue;
    if (directive && directive.reason.length > 0) continue;
    if (directive) out.push({ ...finding, message: `${finding.message} (rampart:ignore without a reason does not apply: add why after it)` });
    else out.push(finding);
  }
  return out;
}

function directiveFor(line: number, lineText: (line: number) => string | undefined): Directive | "allow" | undefined {
  const same = lineText(line) ?? "";
  if (GITLEAKS_ALLOW.test(same)) return "allow";
  const here = IGNORE.exec(same);
  if (here && !here[1]) return { reason: reasonOf(same.slice(here.index + here[0].length)) };
  const previous = line > 1 ? (lineText(line - 1) ?? "") : "";
  const before = IGNORE.exec(previous);
  if (before?.[1]) return { reason: reasonOf(previous.slice(before.index + before[0].length)) };
  return undefined;
}

/** The text after the directive, without comment closers and separators. */
function reasonOf(rest: string): string {
  return rest
    .replace(/(\*\/|-->|#}|%>)\s*$/, "")
    .replace(/^[\s:\-–—]+/, "")
    .trim();
}

/** Quick test so files without any directive skip the per-finding work. */
export function hasInlineDirective(text: string): boolean {
  return text.includes("rampart:ignore") || text.includes("gitleaks:allow");
}
