import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Alert } from "../../src/detect/alert.js";
import { sourceKey } from "../../src/detect/event.js";
import { replayFiles } from "../../src/detect/replay.js";

/**
 * Events elizaGuard() recorded on the real elizaOS server (@elizaos/server 1.7.2, web UI on, enforce mode) while
 * real Debian tools ran beside real benign clients, each from its own X-Forwarded-For (December 2026). Nobody
 * here wrote these requests: ffuf -recursion and dirb big.txt with browser agents (no file names, the UI's
 * catch-all answers 200), gobuster -m HEAD, key guesses sent as `Authorization: Bearer`, ffuf's OPTIONS scan
 * of /api (answered 204 by CORS), medusa's http module and wapiti with a browser agent; the @elizaos/api-client, Chromium on the UI and two
 * monitors polling keyless health paths. Principals are HMAC names; no key is in the file.
 */
const FILE = "test/detect/fixtures/eliza-heldout-events.jsonl";
const TOOLS: Record<string, string> = {
  "10.2.0.1": "path-scan", // ffuf -recursion, browser agent
  "10.1.0.2": "path-scan", // dirb big.txt, browser agent
  "10.11.0.3": "path-scan", // gobuster -m HEAD, browser agent
  "10.5.0.2": "credential-stuffing", // ffuf guessing Authorization: Bearer
  "10.11.0.2": "path-scan", // ffuf -X OPTIONS under /api/
  "10.8.0.4": "attack-tool", // medusa -M http
  "10.12.0.3": "attack-tool", // wapiti with a browser agent: its soft-404 probe
};
const BENIGN = ["192.0.2.10", "198.51.100.20", "203.0.113.30", "203.0.113.31"];

describe("the held-out tools' real traffic on elizaOS", () => {
  it("alerts on every tool run and on no benign client", async () => {
    const { alerts, skipped } = await replayFiles([FILE], { mode: "enforce" });
    expect(skipped).toBe(0);
    const named = (a: Alert) => [a.subject.ip, ...(a.sources ?? [])].filter((ip): ip is string => Boolean(ip)).map(sourceKey);
    for (const [ip, rule] of Object.entries(TOOLS))
      expect(
        alerts.some((a) => a.rule === rule && named(a).includes(sourceKey(ip))),
        `${ip} ${rule}`,
      ).toBe(true);
    const benign = BENIGN.map(sourceKey);
    expect(alerts.filter((a) => named(a).some((s) => benign.includes(s))).map((a) => a.rule)).toEqual([]);
    expect(readFileSync(FILE, "utf8")).not.toMatch(/heldout-server-key|guess\d+-\d+/);
  });
});
