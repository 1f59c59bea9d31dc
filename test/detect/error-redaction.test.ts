import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { redactionReady } from "../../src/detect/alert-redaction.js";
import { suspiciousAccess } from "../../src/detect/express.js";
import { capturingLogger, serveWrongKeyApi, waitFor } from "./support.js";

/**
 * The detector logs errors raised by the app's own hooks and sinks ("request proceeds"). Such an error can quote
 * what the failing code held, a webhook URL or a token: the logged message goes through redaction like alerts do.
 */
describe("detector error records", () => {
  it("never carry a raw secret from an app hook's error message", async () => {
    await redactionReady();
    const token = `ghp_${randomBytes(27).toString("base64url").replace(/[-_]/g, "a").slice(0, 36)}`;
    const { logger, records } = capturingLogger();
    const middleware = suspiciousAccess({
      logger,
      onAlert: () => {
        throw new Error(`pager rejected the call made with ${token}`);
      },
    });
    const { base, close } = await serveWrongKeyApi(middleware);
    try {
      for (let i = 0; i < 12; i++) expect((await fetch(`${base}/api`)).status).toBe(401);
      await waitFor(() => records.some((r) => r.component === "report"));
      const errors = records.filter((r) => r.component === "report");
      expect(errors[0]?.error).toContain("pager rejected the call made with");
      expect(JSON.stringify(records)).not.toContain(token);
    } finally {
      await close();
    }
  });
});
