import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../support/cli.js";

describe("rescan cache and rule data", () => {
  it("notices an edited pattern: the cache never hides what the new rule finds", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rampart-revision-"));
    writeFileSync(join(dir, "notes.txt"), "rotated on monday: acme_live_Q7mZ2xK9pL4vN8rT\n");
    const config = (pattern: string) =>
      writeFileSync(
        join(dir, "rampart.config.yaml"),
        `customRules:\n  - id: acme-token\n    description: ACME token\n    severity: high\n    keywords: ["acme_"]\n    pattern: '${pattern}'\n`,
      );
    config("acme_test_[A-Za-z0-9]{16}");
    expect((await runCli(["scan", "."], { cwd: dir })).code).toBe(0);
    config("acme_live_[A-Za-z0-9]{16}");
    const second = await runCli(["scan", ".", "--format", "json"], { cwd: dir });
    expect(second.code).toBe(1);
    expect(JSON.parse(second.stdout).findings[0].ruleId).toBe("acme-token");
  });
});
