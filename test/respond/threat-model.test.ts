import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { THREAT_MODEL_DIR } from "../../src/respond/threat-model.js";
import { runCli } from "../support/cli.js";

function copyModel(edit: (text: string) => string): { dir: string; text: string } {
  const dir = mkdtempSync(join(tmpdir(), "rampart-tm-"));
  cpSync(THREAT_MODEL_DIR, dir, { recursive: true });
  const text = edit(readFileSync(join(dir, "model.yaml"), "utf8"));
  writeFileSync(join(dir, "model.yaml"), text);
  return { dir, text };
}

describe("rampart threats check", () => {
  it("passes on the shipped model, whose threats all have controls", async () => {
    const { code, stdout } = await runCli(["threats", "check"]);
    expect(stdout).toContain("0 problems");
    expect(stdout).toMatch(/8 threats, 8 with controls/);
    expect(code).toBe(0);
  });

  it("fails naming a broken scan-rule reference with its file and line", async () => {
    const { dir, text } = copyModel((t) => t.replace("scanRule: evm-private-key", "scanRule: evm-private-kee"));
    const line = text.split("\n").findIndex((l) => l.includes("evm-private-kee")) + 1;
    const { code, stdout } = await runCli(["threats", "check", "--dir", dir]);
    expect(code).toBe(1);
    expect(stdout).toContain(`model.yaml:${line}: threat wallet-key-leak: scanRule "evm-private-kee" is not a rule`);
  });

  it("fails naming a missing playbook, and a high-scoring threat without a responsive control", async () => {
    const { dir } = copyModel((t) => t.replace("playbook: account-takeover", "playbook: account-takeovr"));
    const { code, stdout } = await runCli(["threats", "check", "--dir", dir]);
    expect(code).toBe(1);
    expect(stdout).toContain('playbook "account-takeovr" does not exist');
    expect(stdout).toContain("maintainer-account-takeover (score 15): scores at or above 12 and needs a responsive control");
  });

  it("fails naming a detector rule that does not exist under rules/detect", async () => {
    const { dir } = copyModel((t) => t.replace("detectorRule: brute-force", "detectorRule: brute-forse"));
    const { code, stdout } = await runCli(["threats", "check", "--dir", dir]);
    expect(code).toBe(1);
    expect(stdout).toContain('detectorRule "brute-forse" does not exist under rules/detect/');
  });

  it("reports schema errors with file:line and exit 2", async () => {
    const { dir } = copyModel((t) => t.replace("likelihood: 4\n    impact: 5", "likelihood: 9\n    impact: 5"));
    const { code, stderr } = await runCli(["threats", "check", "--dir", dir]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/model\.yaml:\d+: .*likelihood/);
  });

  it("renders Markdown with a Mermaid data-flow diagram and a coverage table", async () => {
    const { code, stdout } = await runCli(["threats", "render"]);
    expect(code).toBe(0);
    expect(stdout).toContain("```mermaid\nflowchart LR");
    expect(stdout).toContain('agent-runtime -->|"prompts with provider keys"| llm-providers');
    expect(stdout).toContain("| threat | STRIDE | score | preventive | detective | responsive | controls |");
  });
});
