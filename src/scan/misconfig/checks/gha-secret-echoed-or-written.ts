import type { ScanFile, ScanReport } from "../../rule.js";
import { expressionsIn, linesIn, parseWorkflow } from "../parsers/workflow.js";
import { mapEntries, scalarText, valueOf } from "../parsers/yaml-source.js";

const WRITES = /\b(echo|printf|cat|tee)\b|>>?|\bset\s+-x\b|\bsed\s+(-\w*\s+)*-i\b/;

/**
 * GHA012: a secret echoed, printed or redirected into a file leaves the masked log and lands in
 * files that later steps, caches or artifacts can carry away (`echo "//registry...:_authToken=$TOKEN" > ~/.npmrc`).
 * Both `${{ secrets.X }}` and shell variables fed from secrets (`env: TOKEN: ${{ secrets.X }}`) count.
 */
export function check(file: ScanFile): ScanReport[] {
  const wf = parseWorkflow(file.text);
  if (!wf) return [];
  const reports: ScanReport[] = [];
  const workflowSecrets = secretEnvNames(file.text, valueOf(wf.root, "env"));
  for (const job of wf.jobs) {
    const jobSecrets = new Set([...workflowSecrets, ...secretEnvNames(file.text, valueOf(job.node, "env"))]);
    for (const step of job.steps) {
      if (!step.run) continue;
      const names = new Set([...jobSecrets, ...secretEnvNames(file.text, valueOf(step.node, "env"))]);
      for (const { line, start } of linesIn(file.text, step.run.node)) {
        if (!WRITES.test(line) || /::add-mask::/.test(line) || /^\s*#/.test(line)) continue;
        const direct = /\$\{\{\s*secrets\.(?!GITHUB_TOKEN\b)([A-Za-z0-9_]+)/.exec(line);
        const viaEnv = [...names].find((n) => new RegExp(`\\$\\{?${n}\\b|\\$\\{\\{\\s*env\\.${n}\\b`).test(line));
        const secret = direct?.[1] ?? viaEnv;
        if (!secret) continue;
        const at = start + line.search(/\S/);
        reports.push({ message: `secret ${secret} is echoed or written to a file in job "${job.id}"; pass it to the tool through env: (e.g. NODE_AUTH_TOKEN with setup-node) instead`, start: at, end: start + line.length });
      }
    }
  }
  return reports;
}

/** Names in an `env:` map whose value reads a repository secret. */
function secretEnvNames(text: string, env: unknown): string[] {
  return mapEntries(env).flatMap(({ key, pair }) => {
    const value = scalarText(pair.value) ?? "";
    if (/secrets\.GITHUB_TOKEN\b|github\.token\b/.test(value) && !/secrets\.(?!GITHUB_TOKEN\b)/.test(value)) return [];
    return expressionsIn(text, pair.value).some((e) => /\bsecrets\./.test(e.body)) ? [key] : [];
  });
}
