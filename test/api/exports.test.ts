import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  exports: Record<string, { types?: string; default?: string } | string>;
};

describe("public API", () => {
  it("every exports entry resolves to a built module with types", async () => {
    for (const [name, target] of Object.entries(pkg.exports)) {
      if (typeof target === "string") continue;
      expect(target.types, `${name} has types`).toMatch(/\.d\.ts$/);
      readFileSync(new URL(`../../${target.types}`, import.meta.url));
      const mod = await import(new URL(`../../${target.default}`, import.meta.url).href);
      expect(Object.keys(mod).length, `${name} exports something`).toBeGreaterThan(0);
    }
  });

  it("the main entry exposes redaction and formatting", async () => {
    const api = await import("rampart");
    expect(api.redactSecret("sk-proj-abcdefghijklmnopqrstuvwxyzQ3xA")).toBe("sk-pr…Q3xA");
    expect(typeof api.formatReport).toBe("function");
  });

  it("the main entry exposes telemetry and the issue metrics for host apps", async () => {
    const api = await import("rampart");
    for (const name of ["startTelemetry", "collectIssueReport", "observeIssueReport"] as const) expect(typeof api[name], name).toBe("function");
    expect(api.METRICS.securityIssuesOpened).toBe("rampart.security_issues.opened");
  });
});
