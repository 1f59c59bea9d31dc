import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/core/finding.js";
import { type ChecklistItem, evaluateChecklist, loadChecklist } from "../../src/respond/checklist.js";
import { loadCatalogRules } from "../../src/scan/registry.js";
import { runCli } from "../support/cli.js";

const items: ChecklistItem[] = [
  { id: "no-secrets", title: "No secrets", automated: { scanRules: ["openrouter-api-key"] } },
  { id: "keys", title: "Hardware keys", manual: { attestation: { by: "ana", at: "2026-01-01", evidence: "review", expires: "2026-06-01" } } },
  { id: "fresh", title: "Fresh", manual: { attestation: { by: "ana", at: "2026-10-01", evidence: "review", expires: "2027-10-01" } } },
  { id: "never", title: "Never attested", manual: {} },
];
const finding = { ruleId: "openrouter-api-key", path: ".env", line: 3 } as Finding;

describe("checklist", () => {
  it("decides automated items from findings and manual items from attestation expiry", () => {
    const results = evaluateChecklist(items, [finding], "2026-11-24");
    expect(results.map((r) => r.status)).toEqual(["fail", "stale", "attested", "unattested"]);
    expect(results[0]!.detail).toContain(".env:3 (openrouter-api-key)");
    expect(evaluateChecklist(items, [], "2026-11-24")[0]!.status).toBe("pass");
  });

  it("the shipped checklist names only real scanner rules", () => {
    const known = new Set(loadCatalogRules().map((r) => r.meta.id));
    for (const item of loadChecklist()) for (const rule of item.automated?.scanRules ?? []) expect(known.has(rule), `${item.id} → ${rule}`).toBe(true);
  });

  it("rampart checklist fails an automated item when the repo leaks a key", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rampart-checklist-"));
    writeFileSync(join(dir, "settings.env"), `OPENROUTER_API_KEY=sk-or-v1-${"3f9a1c7e5b2d4086".repeat(4)}\n`);
    const { code, stdout } = await runCli(["checklist", "--path", dir, "--format", "json"]);
    expect(code).toBe(1);
    const results = JSON.parse(stdout).items as Array<{ id: string; status: string }>;
    expect(results.find((r) => r.id === "no-committed-secrets")?.status).toBe("fail");
    expect(stdout).not.toContain("3f9a1c7e5b2d40863f9a");
  });
});

describe("rampart checklist attest", () => {
  function project() {
    const dir = mkdtempSync(join(tmpdir(), "rampart-attest-"));
    mkdirSync(join(dir, "threat-model"));
    writeFileSync(join(dir, "threat-model", "checklist.yaml"), readFileSync(new URL("../../threat-model/checklist.yaml", import.meta.url), "utf8"));
    return { dir, file: join(dir, "threat-model", "checklist.yaml") };
  }

  it("records the attestation in place, keeps comments and layout, and redacts secrets in the evidence", async () => {
    const p = project();
    const before = readFileSync(p.file, "utf8");
    const token = `ghp_${"aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"}`;
    const result = await runCli(
      ["checklist", "attest", "maintainers-hardware-keys", "--by", "security-lead", "--evidence", `audit log, token ${token}`, "--expires", "2099-01-01"],
      { cwd: p.dir },
    );
    expect(result.code).toBe(0);
    const after = readFileSync(p.file, "utf8");
    expect(after).not.toContain(token);
    const changed = after.split("\n").filter((line, i) => line !== before.split("\n")[i]);
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatch(/^ {4}manual: \{ attestation: \{ by: "security-lead", at: "\d{4}-\d\d-\d\d", evidence: "audit log, token ghp_a…/);
    const check = await runCli(["checklist", "check", "--format", "json"], { cwd: p.dir });
    const item = JSON.parse(check.stdout).items.find((i: { id: string }) => i.id === "maintainers-hardware-keys");
    expect(item.status).toBe("attested");
  });

  it("refuses automated items, unknown ids and an expiry before today, naming the file", async () => {
    const p = project();
    const before = readFileSync(p.file, "utf8");
    const automated = await runCli(["checklist", "attest", "no-committed-secrets", "--by", "x", "--evidence", "y"], { cwd: p.dir });
    expect(automated.code).toBe(2);
    expect(automated.stderr).toContain("checklist.yaml");
    expect(automated.stderr).toContain("automated");
    const unknown = await runCli(["checklist", "attest", "nope", "--by", "x", "--evidence", "y"], { cwd: p.dir });
    expect(unknown.stderr).toContain("maintainers-hardware-keys");
    const past = await runCli(["checklist", "attest", "maintainers-hardware-keys", "--by", "x", "--evidence", "y", "--expires", "2020-01-01"], { cwd: p.dir });
    expect(past.code).toBe(2);
    expect(readFileSync(p.file, "utf8")).toBe(before);
  });
});
