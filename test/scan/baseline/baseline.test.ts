import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { withGithubStyleChecksum } from "../../../src/scan/secrets/checksums.js";
import { runCli } from "../../support/cli.js";
import { randomChars } from "../../support/tokens.js";

/** A real git repository with the files of an agent deployment, committed. */
function repo(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "rampart-baseline-"));
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, GIT_AUTHOR_NAME: "A", GIT_AUTHOR_EMAIL: "a@example.com", GIT_COMMITTER_NAME: "A", GIT_COMMITTER_EMAIL: "a@example.com" },
    });
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  };
  git("init", "-q", "-b", "main");
  for (const [file, text] of Object.entries(files)) write(file, text);
  git("add", "-A");
  git("commit", "-q", "-m", "agent deployment");
  return { dir, git, write };
}

const compose = (extraService = "") => `services:
  eliza:
    build: .
    container_name: eliza
    ports:
      - '3000:3000'
    environment:
      - SERVER_HOST=0.0.0.0
  postgres:
    image: postgres:16
${extraService}`;

const workflow = (extraStep = "") => `on:
  workflow_dispatch:
    inputs:
      target_branch:
        type: string
permissions:
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - name: Checkout branch
        run: git checkout \${{ inputs.target_branch }}
${extraStep}`;

type Json = { findings: Array<{ ruleId: string; path: string; line: number; severity: string; place?: string }> };
const scan = (dir: string, ...args: string[]) => runCli(["scan", ".", "--no-cache", "--jobs", "1", "--format", "json", ...args], { cwd: dir });

describe("baselines accept today's findings, not tomorrow's", () => {
  it("a second agent service on '3000:3000' and a second inputs.target_branch injection fail the gate after a committed baseline", async () => {
    const r = repo({ "docker-compose.yml": compose(), ".github/workflows/deploy.yml": workflow() });
    const before = JSON.parse((await scan(r.dir)).stdout) as Json;
    expect(before.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(["eliza-api-without-auth", "gha-template-injection"]));

    expect((await scan(r.dir, "--update-baseline", "--baseline", ".rampart-baseline.json")).code).toBe(0);
    r.git("add", ".rampart-baseline.json");
    r.git("commit", "-q", "-m", "accept today's findings");
    expect((await scan(r.dir, "--baseline", ".rampart-baseline.json")).code).toBe(0);

    // A PR copies the accepted agent service.
    r.write(
      "docker-compose.yml",
      compose(
        `  eliza-worker:\n    build: .\n    container_name: eliza-worker\n    ports:\n      - '3000:3000'\n    environment:\n      - SERVER_HOST=0.0.0.0\n`,
      ),
    );
    const service = await scan(r.dir, "--baseline", ".rampart-baseline.json");
    expect(service.code).toBe(1);
    expect((JSON.parse(service.stdout) as Json).findings).toEqual([
      expect.objectContaining({ ruleId: "eliza-api-without-auth", severity: "critical", line: 15, place: "services.eliza-worker.ports[]" }),
    ]);

    // Another PR adds a second step with the same accepted injection (a workflow_dispatch input is graded
    // medium: only writers can dispatch; the team gates at medium).
    r.git("checkout", "--", "docker-compose.yml");
    expect((await scan(r.dir, "--baseline", ".rampart-baseline.json", "--fail-on", "medium")).code).toBe(0);
    r.write(".github/workflows/deploy.yml", workflow("      - name: Tag branch\n        run: git tag release-${{ inputs.target_branch }}\n"));
    const step = await scan(r.dir, "--baseline", ".rampart-baseline.json", "--fail-on", "medium");
    expect(step.code).toBe(1);
    expect((JSON.parse(step.stdout) as Json).findings).toEqual([
      expect.objectContaining({ ruleId: "gha-template-injection", line: 15, place: "jobs.deploy.steps[Tag branch].run" }),
    ]);

    // The same injection twice in the accepted step is a new occurrence too.
    r.write(".github/workflows/deploy.yml", workflow().replace("}}\n", "}} && echo ${{ inputs.target_branch }}\n"));
    expect((await scan(r.dir, "--baseline", ".rampart-baseline.json", "--fail-on", "medium")).code).toBe(1);
  });

  it("accepted findings stay accepted when lines move and unrelated entries are added above them", async () => {
    const r = repo({ "docker-compose.yml": compose(), ".github/workflows/deploy.yml": workflow() });
    expect((await scan(r.dir, "--update-baseline", "--baseline", "b.json")).code).toBe(0);
    r.write("docker-compose.yml", `# header comment\n${compose().replace("    environment:\n", "    environment:\n      - LOG_LEVEL=info\n")}`);
    r.write(
      ".github/workflows/deploy.yml",
      workflow().replace("    steps:\n", "    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n"),
    );
    expect((await scan(r.dir, "--baseline", "b.json")).code).toBe(0);
  });

  it("a 7-word guess list cannot confirm the accepted database password from the committed baseline", async () => {
    const envFile = (password: string) => `DATABASE_URL=postgres://app:${password}@db.internal:5432/app\n`;
    const r = repo({ "deploy/.env.production": envFile("summer2024") });
    expect((await scan(r.dir, "--update-baseline", "--baseline", ".rampart-baseline.json")).code).toBe(0);
    const committed = readFileSync(join(r.dir, ".rampart-baseline.json"), "utf8");
    expect(committed).toContain("database-url-password");

    // The attacker knows the rule, the path and the line; for each guess they build the file the baseline would come from.
    const guesses = ["winter2023", "Summer2024!", "summer2024", "letmein", "admin123", "hunter22", "qwerty99"];
    const matches: string[] = [];
    for (const guess of guesses) {
      const g = repo({ "deploy/.env.production": envFile(guess) });
      await scan(g.dir, "--update-baseline", "--baseline", "guess.json");
      if (readFileSync(join(g.dir, "guess.json"), "utf8") === committed) matches.push(guess);
    }
    // Every guess gives the same file, so none is singled out.
    expect(matches).toEqual(guesses);
    for (const view of ["summer2024", "su…24", "s…", ...["sha256", "sha1", "md5"].map((a) => createHash(a).update("summer2024").digest("hex").slice(0, 12))]) {
      expect(committed).not.toContain(view);
    }
  });

  it("a random token replaced in place is still a new finding", async () => {
    // Valid check digits: a token failing them is reported low (an example), below the gate.
    // Random apart from its first character (a hand-typed walk such as aB3dE5… reads as a placeholder).
    const rest = randomChars(29);
    const token = (c: string) => withGithubStyleChecksum("ghp_", `${c}${rest}`);
    const r = repo({ "src/config.ts": `export const token = "${token("a")}";\n` });
    expect((await scan(r.dir, "--update-baseline", "--baseline", "b.json")).code).toBe(0);
    expect((await scan(r.dir, "--baseline", "b.json")).code).toBe(0);
    r.write("src/config.ts", `export const token = "${token("Z")}";\n`);
    expect((await scan(r.dir, "--baseline", "b.json")).code).toBe(1);
  });

  it("a version 1 baseline is refused with how to migrate", async () => {
    const r = repo({ "docker-compose.yml": compose() });
    r.write("old.json", JSON.stringify({ version: 1, findings: [{ fingerprint: "abc", ruleId: "x", path: "y" }] }));
    const result = await scan(r.dir, "--baseline", "old.json");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("old.json");
    expect(result.stderr).toContain("version 1");
    expect(result.stderr).toContain("rampart scan --update-baseline --baseline old.json");
  });

  it("--update-baseline replaces a symlinked baseline instead of writing through it, and a symlinked baseline is not read", async () => {
    const outside = join(mkdtempSync(join(tmpdir(), "rampart-outside-")), "victim.txt");
    writeFileSync(outside, "untouched\n");
    const r = repo({ "docker-compose.yml": compose() });
    symlinkSync(outside, join(r.dir, ".rampart-baseline.json"));
    const read = await scan(r.dir, "--baseline", ".rampart-baseline.json");
    expect(read.code).toBe(2);
    expect(read.stderr).toContain("symlink");
    expect((await scan(r.dir, "--update-baseline")).code).toBe(0);
    expect(readFileSync(outside, "utf8")).toBe("untouched\n");
    expect(lstatSync(join(r.dir, ".rampart-baseline.json")).isFile()).toBe(true);
    expect(existsSync(join(r.dir, `..rampart-baseline.json.${process.pid}.tmp`))).toBe(false);
  });
});
