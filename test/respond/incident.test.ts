import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPlaybooks, PLAYBOOKS_DIR } from "../../src/respond/playbook.js";
import { loadCatalogRules } from "../../src/scan/registry.js";
import { runCli } from "../support/cli.js";
import { githubToken } from "../support/tokens.js";

describe("playbooks", () => {
  it("ship the required ids, validate, and reference real scanner rules", () => {
    const ids = loadPlaybooks().map((p) => p.id);
    expect(ids).toEqual(
      expect.arrayContaining(["leaked-secret", "wallet-key-compromise", "suspicious-access", "malicious-plugin", "impersonation-scam", "account-takeover"]),
    );
    const known = new Set(loadCatalogRules().map((r) => r.meta.id));
    for (const p of loadPlaybooks()) for (const r of p.triggers?.scanRules ?? []) expect(known.has(r), `${p.id} → ${r}`).toBe(true);
    const detectors = new Set(readdirSync(new URL("../../rules/detect/", import.meta.url)).map((f) => f.replace(/\.yaml$/, "")));
    const routed = loadPlaybooks().find((p) => p.id === "suspicious-access")!.triggers!.detectorRules!;
    expect(routed.length).toBeGreaterThan(0);
    for (const r of routed) expect(detectors.has(r), `suspicious-access → ${r}`).toBe(true);
  });

  it("show --format json has steps with ids", async () => {
    const { code, stdout } = await runCli(["playbook", "show", "leaked-secret", "--format", "json"]);
    expect(code).toBe(0);
    const steps = JSON.parse(stdout).steps as Array<{ id: string }>;
    expect(steps.map((s) => s.id)).toContain("revoke");
  });

  it("a broken playbook fails with file and line", () => {
    const dir = mkdtempSync(join(tmpdir(), "rampart-pb-"));
    cpSync(join(PLAYBOOKS_DIR, "leaked-secret.yaml"), join(dir, "leaked-secret.yaml"));
    const text = readFileSync(join(dir, "leaked-secret.yaml"), "utf8").replace('owner: credential-owner, title: "Revoke', 'owner: nobody, title: "Revoke');
    writeFileSync(join(dir, "leaked-secret.yaml"), text);
    const line = text.split("\n").findIndex((l) => l.includes("owner: nobody")) + 1;
    expect(() => loadPlaybooks(dir)).toThrow(/not one of the roles/);
    try {
      loadPlaybooks(dir);
    } catch (error) {
      expect((error as { line?: number }).line).toBe(line);
    }
  });
});

describe("a guided incident", () => {
  it("runs end to end: redacts a pasted key, reports a timeline, and verify catches edits and truncation", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "rampart-incident-"));
    const opened = await runCli(["incident", "open", "leaked-secret", "--title", "OpenRouter key in a public repo"], { cwd });
    expect(opened.code).toBe(0);
    const id = opened.stdout.trim();
    expect(id).toMatch(/^INC-\d{8}-[0-9a-f]{4}$/);
    const token = githubToken();
    expect((await runCli(["incident", "step", id, "triage", "--done"], { cwd })).code).toBe(0);
    expect((await runCli(["incident", "step", id, "revoke", "--done", "--note", `revoked ${token} at the provider`], { cwd })).code).toBe(0);
    expect((await runCli(["incident", "note", id, `attacker also saw ${token}`], { cwd })).code).toBe(0);
    expect((await runCli(["incident", "step", id, "find-copies", "--skip", "--note", "single repo"], { cwd })).code).toBe(0);
    const bad = await runCli(["incident", "step", id, "no-such-step", "--done"], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("triage, revoke");
    const status = await runCli(["incident", "status", id], { cwd });
    expect(status.stdout).toContain("next: review-usage");
    expect(status.stdout).toContain("owner: credential-owner");
    expect((await runCli(["incident", "close", id, "--note", "rotated and gated"], { cwd })).code).toBe(0);

    const journal = join(cwd, "incidents", `${id}.jsonl`);
    const md = await runCli(["incident", "report", id], { cwd });
    const json = JSON.parse((await runCli(["incident", "report", id, "--format", "json"], { cwd })).stdout);
    for (const out of [readFileSync(journal, "utf8"), md.stdout, JSON.stringify(json)]) {
      expect(out).not.toContain(token);
      expect(out).toContain(`${token.slice(0, 5)}…${token.slice(-4)}`);
    }
    expect(md.stdout).toContain("## Timeline (UTC)");
    expect(md.stdout).toContain("step revoke done");
    expect(json.timeline).toHaveLength(6);
    expect(json.timeToContainMinutes).toBe(0);
    expect(json.timeToResolveMinutes).toBe(0);
    expect(json.skipped).toEqual(["find-copies"]);

    expect((await runCli(["incident", "verify", id], { cwd })).code).toBe(0);
    const original = readFileSync(journal, "utf8");
    writeFileSync(journal, original.replace(`"step":"triage"`, `"step":"triagf"`));
    const edited = await runCli(["incident", "verify", id], { cwd });
    expect(edited.code).toBe(1);
    expect(edited.stdout).toContain(`${id}: journal damaged at line 2:`);
    writeFileSync(journal, original);
    truncateSync(journal, statSync(journal).size - 5);
    const torn = await runCli(["incident", "verify", id], { cwd });
    expect(torn.code).toBe(1);
    expect(torn.stdout).toContain("incomplete");
  });
});

describe("rampart playbook render", () => {
  it("the committed guide and migration-safety page match a fresh render", async () => {
    const out = mkdtempSync(join(tmpdir(), "rampart-render-"));
    const { code } = await runCli(["playbook", "render", "--out", out]);
    expect(code).toBe(0);
    for (const name of ["INCIDENT-RESPONSE.md", "MIGRATION-SAFETY.md"]) {
      const fresh = readFileSync(join(out, name), "utf8");
      expect(readFileSync(join(PLAYBOOKS_DIR, name), "utf8"), `${name} is stale: run rampart playbook render`).toBe(fresh);
    }
    expect(readFileSync(join(out, "INCIDENT-RESPONSE.md"), "utf8")).toContain("## Wallet private key or seed phrase compromise");
    expect(readFileSync(join(out, "MIGRATION-SAFETY.md"), "utf8")).toContain("seed phrase");
  });
});
