import type { Severity } from "../core/severity.js";

/** The files `rampart init` writes, relative to the repository root. */
export const INIT_FILES = {
  config: "rampart.config.yaml",
  workflow: ".github/workflows/rampart.yml",
  baseline: ".rampart-baseline.json",
} as const;

export function configTemplate(): string {
  return `# rampart.config.yaml, written by \`rampart init\`. Every key is optional; README "Scanning" explains them.
# Turn a rule off or change its severity (rule ids: \`npx rampart rules list\`):
rules: {}
#  generic-secret-assignment: off
#  openrouter-api-key: critical

paths:
  # Files never scanned, each with the reason reviewers will see.
  exclude: []
#    - glob: "test/fixtures/**"
#      reason: fake keys used by the tests
`;
}

export interface WorkflowChoices {
  failOn: Severity;
  baseline: boolean;
  packageSpec: string;
}

/**
 * A GitHub Actions workflow that gates pull requests on what they add and pushes on the whole tree.
 * Actions are pinned by commit, the token is read-only and not persisted, and no `${{ }}` expression is
 * expanded inside a shell script (zizmor's template-injection finding).
 */
export function workflowTemplate(choices: WorkflowChoices): string {
  const baseline = choices.baseline ? ` --baseline ${INIT_FILES.baseline}` : "";
  return `# Written by \`rampart init\`: fails the job when a change adds a secret or misconfiguration at or above "${choices.failOn}".
name: rampart
on:
  pull_request:
  push:
    branches: [main, master]
permissions:
  contents: read
jobs:
  scan:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    steps:
      - uses: actions/checkout@34e114876b0b11c390a56381ad16ebd13914f8d5 # v4.3.1
        with:
          fetch-depth: 0
          persist-credentials: false
      - uses: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020 # v4.4.0
        with:
          node-version: 24
      - name: Install Rampart
        env:
          # A git URL pinned to a commit, or a tarball URL: Rampart is not published on npm. npm fetches it and
          # builds it (its prepare script) in a prefix of its own, outside the checkout.
          RAMPART_PACKAGE: ${JSON.stringify(choices.packageSpec)}
        run: |
          npm install --prefix "$RUNNER_TEMP/rampart" --no-save --no-audit --no-fund "$RAMPART_PACKAGE"
          echo "$RUNNER_TEMP/rampart/node_modules/.bin" >> "$GITHUB_PATH"
      - name: Rampart gate
        env:
          BASE_REF: \${{ github.base_ref }}
        run: |
          # A pull request is gated on the lines it adds; a push on the whole tree.
          if [ -n "$BASE_REF" ]; then set -- --diff "origin/$BASE_REF"; else set -- .; fi
          rampart scan "$@" --fail-on ${choices.failOn}${baseline} --format github
`;
}
