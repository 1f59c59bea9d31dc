import { describe, expect, it } from "vitest";
import { scanFragment } from "../../../src/scan/scan-file.js";
import { Scanner } from "../../../src/scan/scanner.js";

const context = { scanner: new Scanner([], { fingerprint: "test" }), maxFileSize: 10 * 1024 * 1024 };
/** `count` lines of `width` characters, joined by newlines, as file bytes. */
const lines = (count: number, width: number) => Buffer.from(Array.from({ length: count }, () => "x".repeat(width)).join("\n"));

describe("minified or generated files", () => {
  it("are skipped when the average line is longer than 1,000 characters (newlines counted), and scanned otherwise", () => {
    expect(scanFragment({ path: "a.js", bytes: lines(8, 1000) }, context)).toMatchObject({ kind: "skipped", reason: expect.stringMatching(/minified/) });
    expect(scanFragment({ path: "b.js", bytes: lines(8, 999) }, context)).toMatchObject({ kind: "scanned" });
    expect(scanFragment({ path: "c.js", bytes: lines(5000, 40) }, context)).toMatchObject({ kind: "scanned" });
    expect(scanFragment({ path: "d.js", bytes: Buffer.from("y".repeat(200_000)) }, context)).toMatchObject({ kind: "skipped" });
  });

  it("weigh the whole file: short lines first do not hide a long tail", () => {
    const mixed = Buffer.concat([lines(3, 10), Buffer.from("\n"), Buffer.from("z".repeat(50_000))]);
    expect(scanFragment({ path: "e.js", bytes: mixed }, context)).toMatchObject({ kind: "skipped" });
  });
});
