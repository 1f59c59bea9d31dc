import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot, testCacheHome } from "../support/cli.js";
import { issueRoutes } from "../support/github-issue-fixture.js";
import { orgRoutes } from "../support/github-org-fixture.js";
import { startGitHubStandin } from "../support/github-standin.js";
import { freePort } from "../support/ports.js";
import { type DocCommand, docCommands, docScript } from "./doc-commands.js";

/**
 * The docs are run, not just read: each page starts from an empty directory and every command in it must
 * exit as the page says. The only substitution: `npm install ... rampart` installs this checkout, because
 * the package under test is the one in this repository.
 */
const PAGES = ["ci-gate.md", "responder.md", "operator.md", "security-lead.md"];
const work: string[] = [];
afterAll(() => {
  for (const d of work) rmSync(d, { recursive: true, force: true });
});

function installThisCheckout(c: DocCommand): DocCommand {
  return {
    ...c,
    text: c.text.replace(
      /npm install (--save-dev )?rampart\b/,
      (_m, dev: string | undefined) => `npm install ${dev ?? ""}--prefer-offline --no-audit --no-fund "file:${repoRoot}"`,
    ),
  };
}

async function runPage(page: string, env: NodeJS.ProcessEnv = {}) {
  const commands = docCommands(readFileSync(join(repoRoot, "docs", page), "utf8")).map(installThisCheckout);
  const dir = mkdtempSync(join(tmpdir(), `rampart-doc-${page.replace(/\W/g, "-")}-`));
  work.push(dir);
  // Asynchronous on purpose: the GitHub stand-in answers from this process while the page runs.
  const result = await runBash(docScript(commands), dir, {
    ...process.env,
    CI: "true",
    NO_COLOR: "1",
    XDG_CACHE_HOME: testCacheHome(),
    GIT_AUTHOR_NAME: "Docs Reader",
    GIT_AUTHOR_EMAIL: "reader@example.com",
    GIT_COMMITTER_NAME: "Docs Reader",
    GIT_COMMITTER_EMAIL: "reader@example.com",
    ...env,
  });
  const output = result.output;
  const failed = /@@ step (\d+) exited/.exec(output);
  const where = failed ? `${page}:${commands[Number(failed[1])]!.line}: ${commands[Number(failed[1])]!.text}` : "";
  return { commands, output, where, dir, code: result.code };
}

function runBash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", script], { cwd, env, stdio: ["ignore", "pipe", "pipe"], timeout: 240_000 });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("doc command extraction", () => {
  it("reads commands, continuations, heredocs and expected exit codes", () => {
    const md = [
      "text",
      "```sh",
      "# a comment",
      "echo one # exit 1",
      "cat > f <<'EOF'",
      "a",
      "EOF",
      "echo a \\",
      "  b",
      "```",
      "```js",
      "not a command",
      "```",
    ].join("\n");
    expect(docCommands(md)).toEqual([
      { text: "echo one", expectCode: 1, line: 4 },
      { text: "cat > f <<'EOF'\na\nEOF", expectCode: 0, line: 5 },
      { text: "echo a \\\n  b", expectCode: 0, line: 8 },
    ]);
  });

  it("stops at the first command whose exit code differs from the doc", () => {
    const script = docScript([
      { text: "true", expectCode: 0, line: 1 },
      { text: "false", expectCode: 0, line: 2 },
      { text: "echo never", expectCode: 0, line: 3 },
    ]);
    const result = spawnSync("bash", ["-c", script], { encoding: "utf8" });
    expect(result.status).toBe(100);
    expect(result.stdout).toContain("@@ step 1 exited 1");
    expect(result.stdout).not.toContain("never");
  });
});

describe("every user's doc runs as written", () => {
  it.each(PAGES)(
    "%s",
    async (page) => {
      const github = await startGitHubStandin([
        ...orgRoutes("my-org", false, [
          { name: "agent-server", secure: false },
          { name: "docs", secure: true },
        ]),
        ...issueRoutes({ advisories: "two-in-february", repo: "my-org/agent-server" }),
      ]);
      const run = await runPage(page, { PORT: String(await freePort()), GITHUB_API_URL: github.url, GITHUB_TOKEN: "stand-in-token" });
      await github.close();
      stopServer(join(run.dir, "agent-server", "server.pid"));
      expect(run.commands.length).toBeGreaterThan(5);
      expect(run.where, `${run.where}\n${run.output.slice(-3000)}`).toBe("");
      expect(run.output).toContain("@@ all steps ran");
      if (page === "responder.md") expectTokenNeverStored(join(run.dir, "agent-ops"));
    },
    300_000,
  );
});

/** A page that failed half-way may leave its server running. */
function stopServer(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  try {
    process.kill(Number(readFileSync(pidFile, "utf8")));
  } catch {
    // already stopped, as the page says
  }
}

/** The responder pasted the leaked token into a note: neither the journal nor the reports may hold it. */
function expectTokenNeverStored(project: string): void {
  const token = spawnSync("git", ["show", "HEAD~1:bot.env"], { cwd: project, encoding: "utf8" }).stdout.trim().split("=")[1]!;
  expect(token).toMatch(/^\d{10}:AA[0-9a-f]{32}A$/);
  const journal = readdirSync(join(project, "incidents"))
    .map((f) => readFileSync(join(project, "incidents", f), "utf8"))
    .join("");
  expect(journal).toContain("token was");
  for (const text of [journal, readFileSync(join(project, "report.md"), "utf8"), readFileSync(join(project, "report.json"), "utf8")])
    expect(text).not.toContain(token);
}
