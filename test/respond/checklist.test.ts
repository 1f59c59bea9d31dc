import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/core/finding.js";
import { evaluateChecklist, loadChecklist, type ChecklistItem } from "../../src/respond/checklist.js";
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
