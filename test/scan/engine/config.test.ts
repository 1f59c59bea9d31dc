import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, describeError } from "../../../src/core/errors.js";
import { loadScanConfig, parseSize } from "../../../src/scan/config.js";
import { scanPaths } from "../../../src/scan/engine.js";
import { loadScanRules } from "../../../src/scan/registry.js";
import { runCli } from "../../support/cli.js";
import { githubToken, randomChars, tempDir } from "./fixtures.js";

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

function configError(yaml: string): string {
  writeFileSync(join(tmp.dir, "rampart.config.yaml"), yaml);
  try {
    loadScanConfig(undefined, tmp.dir);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return describeError(error);
  }
  throw new Error("expected a config error");
}

describe("rampart.config.yaml", () => {
  it("reports schema problems at file:line", () => {
    expect(configError("maxFileSize: 2MB\nrulez:\n  x: off\n")).toMatch(/rampart\.config\.yaml:\d+: .*unknown property "rulez"/);
    expect(configError("rules:\n  a: on\n  b: sometimes\n")).toMatch(/rampart\.config\.yaml:3:/);
    expect(configError("paths:\n  exclude:\n    - glob: x\n      reason: [1]\n")).toMatch(/rampart\.config\.yaml:4:/);
  });

  it("reports YAML syntax errors at file:line", () => {
    expect(configError("rules:\n  a: off\n  b: [unclosed\n")).toMatch(/rampart\.config\.yaml:\d+:/);
  });

  it("reports a custom rule with a bad regex at its line", () => {
    const message = configError("rules: {}\ncustomRules:\n  - id: internal-token\n    description: our token\n    severity: high\n    pattern: 'itk_(['\n");
    expect(message).toMatch(/rampart\.config\.yaml:3/);
    // Compiling happens when rules load; loadScanConfig alone only validates shape.
  });

  it("runs custom regex rules through the shared pattern-rule kind", async () => {
    const value = `itk_${randomChars(32)}`;
    writeFileSync(
      join(tmp.dir, "rampart.config.yaml"),
      "customRules:\n  - id: internal-token\n    description: internal service token\n    severity: critical\n    keywords: [itk_]\n    pattern: 'itk_[A-Za-z0-9]{32}'\n",
    );
    writeFileSync(join(tmp.dir, "svc.ts"), `const t = "${value}";\n`);
    const config = loadScanConfig(undefined, tmp.dir);
    expect(loadScanRules(config).some((r) => r.meta.id === "internal-token")).toBe(true);
    const result = await scanPaths({ cwd: tmp.dir, config, jobs: 1, cache: false });
    expect(result.findings.map((f) => [f.ruleId, f.severity])).toContainEqual(["internal-token", "critical"]);
    expect(JSON.stringify(result.findings)).not.toContain(value);
  });

  it("disables rules and parses sizes", () => {
    writeFileSync(join(tmp.dir, "rampart.config.yaml"), "rules:\n  secretlint-github: off\nmaxFileSize: 512KB\n");
    const config = loadScanConfig(undefined, tmp.dir);
    expect(config.maxFileSize).toBe(512 * 1024);
    expect(loadScanRules(config).some((r) => r.meta.id === "secretlint-github")).toBe(false);
    expect(parseSize("2MB")).toBe(2 * 1024 * 1024);
    expect(() => parseSize("big")).toThrow(/not a size/);
  });

  it("--category limits the rules that run", async () => {
    writeFileSync(join(tmp.dir, "a.ts"), `const t = "${githubToken()}";\n`);
    const secretOnly = await runCli(["scan", "--category", "misconfig", "--no-cache", "--format", "json"], { cwd: tmp.dir });
    expect(JSON.parse(secretOnly.stdout).findings).toEqual([]);
    expect((await runCli(["scan", "--category", "secret", "--no-cache"], { cwd: tmp.dir })).code).toBe(1);
    expect((await runCli(["scan", "--category", "nope"], { cwd: tmp.dir })).code).toBe(2);
  });
});
