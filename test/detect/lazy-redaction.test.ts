import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { githubToken } from "../support/tokens.js";

/**
 * The scanner's rule set (several megabytes of heap) is loaded on the first report, not when `rampart/express` is
 * imported: loaded at start-up it grew a busy server's young generation from 4 to 16 MB (README, Detect bench).
 * The reports raised while it loads wait for it, so none leaves with the fallback redaction.
 */
describe("the secret scanner behind alert redaction", () => {
  it("is not loaded at start-up, and the first alert waits for it and is fully redacted", { timeout: 30_000 }, () => {
    const token = githubToken();
    const principal = `user:alice (${token})`;
    const out = execFileSync(process.execPath, ["test/support/scanner-load-probe.mjs", principal], { encoding: "utf8", timeout: 25_000 });
    const probe = JSON.parse(out) as { atStart: boolean; writtenAtOnce: number; afterReport: boolean; records: Array<Record<string, unknown>> };
    expect(probe.atStart).toBe(false);
    expect(probe.writtenAtOnce).toBe(0);
    expect(probe.afterReport).toBe(true);
    const alerts = probe.records.filter((r) => r.event === "rampart.detection");
    expect(alerts.map((a) => a.rule)).toEqual(["revoked-credential"]);
    const recorded = (alerts[0]!.subject as { principal: string }).principal;
    // The scanner's verdict on a principal carrying a token: a keyed label instead of the value.
    expect(recorded).toMatch(/^cred-[0-9a-f]{16}$/);
    expect(out).not.toContain(token);
  });
});
