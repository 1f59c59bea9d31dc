import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../support/cli.js";
import { tempDir } from "../engine/fixtures.js";

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

interface JsonFinding {
  ruleId: string;
  line: number;
}

async function findings(): Promise<JsonFinding[]> {
  const result = await runCli(["scan", ".", "--format", "json", "--no-cache"], { cwd: tmp.dir });
  expect(result.stderr).not.toMatch(/\n\s+at /);
  return (JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings;
}

describe("secretlint findings where our own rule judged the place", () => {
  it("a documented local default that database-url-password drops is not reported by secretlint's database-connection-string either", async () => {
    // The shapes of elizaOS's docker-compose files (local defaults with a give-away word, a named default).
    tmp.write(
      "docker-compose.yml",
      [
        "services:",
        "  app:",
        "    environment:",
        "      DATABASE_URL: postgresql://eliza_dev:local_dev_password@localhost:5432/eliza_dev",
        "      POSTGRES_URL: postgresql://eliza:eliza_secure_pass@eliza-postgres:5432/eliza",
        "",
      ].join("\n"),
    );
    expect(await findings()).toEqual([]);
  });

  it("a real hosted password is still reported, once, by our rule", async () => {
    tmp.write("docker-compose.yml", "services:\n  app:\n    environment:\n      DATABASE_URL: postgresql://eliza:jZVDMGusoxwfjd@db.internal:5432/eliza\n");
    expect((await findings()).map((f) => `${f.ruleId}:${f.line}`)).toEqual(["database-url-password:4"]);
  });
});
