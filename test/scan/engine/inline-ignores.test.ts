import { describe, expect, it } from "vitest";
import { scanSources } from "../../../src/scan/engine.js";
import { githubToken } from "./fixtures.js";

function scan(text: string) {
  return scanSources([{ path: "app.ts", text }]).findings;
}

describe("inline ignores", () => {
  it("drops a finding with rampart:ignore and a reason on its line", () => {
    expect(scan(`const t = "${githubToken()}"; // rampart:ignore revoked test token from the docs\n`)).toEqual([]);
  });

  it("drops a finding with rampart:ignore-next-line and a reason on the line before", () => {
    expect(scan(`# rampart:ignore-next-line fixture for the parser test\nTOKEN=${githubToken()}\n`)).toEqual([]);
  });

  it("keeps the finding when the ignore has no reason, and says why", () => {
    const findings = scan(`const t = "${githubToken()}"; /* rampart:ignore */\n`);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toMatch(/without a reason does not apply/);
  });

  it("does not let an ignore on another line hide the finding", () => {
    expect(scan(`// rampart:ignore unrelated reason\n\nconst t = "${githubToken()}";\n`)).toHaveLength(1);
    expect(scan(`const t = "${githubToken()}";\n// rampart:ignore-next-line too late\n`)).toHaveLength(1);
  });

  it("reads the directive on a CRLF line (Windows checkouts) too", () => {
    expect(scan(`const t = "${githubToken()}"; // rampart:ignore revoked test token\r\nconst u = 1;\r\n`)).toEqual([]);
    expect(scan(`# rampart:ignore-next-line fixture\r\nTOKEN=${githubToken()}\r\n`)).toEqual([]);
  });

  it("honours gitleaks:allow for migrating users", () => {
    expect(scan(`const t = "${githubToken()}"; // gitleaks:allow\n`)).toEqual([]);
  });
});
