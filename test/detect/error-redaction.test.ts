import { once } from "node:events";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import express from "express";
import { describe, expect, it } from "vitest";
import { suspiciousAccess } from "../../src/detect/express.js";
import { redactionReady } from "../../src/detect/alert-redaction.js";
import { capturingLogger, waitFor } from "./support.js";

/**
 * The detector logs errors raised by the app's own hooks and sinks ("request proceeds"). Such an error can quote
 * what the failing code held, a webhook URL or a token: the logged message goes through redaction like alerts do.
 */
describe("detector error records", () => {
  it("never carry a raw secret from an app hook's error message", async () => {
    await redactionReady();
    const token = `ghp_${randomBytes(27).toString("base64url").replace(/[-_]/g, "a").slice(0, 36)}`;
    const { logger, records } = capturingLogger();
    const app = express();
    const middleware = suspiciousAccess({
      logger,
      onAlert: () => {
        throw new Error(`pager rejected the call made with ${token}`);
      },
    });
    app.use(middleware);
    app.get("/api", (_req, res) => {
      res.locals.rampart = { auth: "invalid" };
      res.status(401).end();
    });
    const server = app.listen(0, "127.0.0.1");
    await once(server, "listening");
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (let i = 0; i < 12; i++) expect((await fetch(`${base}/api`)).status).toBe(401);
      await waitFor(() => records.some((r) => r.component === "report"));
      const errors = records.filter((r) => r.component === "report");
      expect(errors[0]?.error).toContain("pager rejected the call made with");
      expect(JSON.stringify(records)).not.toContain(token);
    } finally {
      server.close();
      await middleware.close();
    }
  });
});
