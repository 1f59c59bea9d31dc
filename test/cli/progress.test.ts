import { describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/io.js";
import { createProgress } from "../../src/cli/progress.js";

function io(isTTY: boolean, env: NodeJS.ProcessEnv = {}): CliIo & { err: string[] } {
  const err: string[] = [];
  return { err, env, cwd: "/", stdout: { write: () => true }, stderr: { isTTY, write: (c: string) => err.push(c) } };
}

describe("progress line", () => {
  it("draws and erases one line on a terminal, throttled", () => {
    const t = io(true);
    let now = 0;
    const p = createProgress(t, "scanning", () => now);
    p.update("commit 1/3");
    p.update("commit 2/3"); // within 100 ms: skipped
    now = 500;
    p.update("commit 3/3");
    p.done();
    expect(p.visible).toBe(true);
    expect(t.err).toEqual(["\rscanning commit 1/3\u001b[K", "\rscanning commit 3/3\u001b[K", "\r\u001b[K"]);
  });

  it("stays quiet in CI and when stderr is not a terminal", () => {
    for (const t of [io(true, { CI: "true" }), io(false), io(true, { RAMPART_NO_PROGRESS: "1" })]) {
      const p = createProgress(t, "scanning");
      p.update("x");
      p.done();
      expect(p.visible).toBe(false);
      expect(t.err).toEqual([]);
    }
  });
});
