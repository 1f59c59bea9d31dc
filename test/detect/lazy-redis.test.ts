import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Whether ioredis got loaded in a fresh process that ran `script` against the built package. */
function loadsIoredis(script: string): boolean {
  const probe = `
    import { createRequire } from "node:module";
    ${script}
    await new Promise((resolve) => setTimeout(resolve, 200));
    const loaded = Object.keys(createRequire(import.meta.url).cache).some((p) => p.includes("/node_modules/ioredis/"));
    console.log(JSON.stringify({ loaded }));
    process.exit(0);
  `;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", probe], { cwd: root, encoding: "utf8", timeout: 20_000 });
  expect(run.stderr).toBe("");
  return (JSON.parse(run.stdout.trim().split("\n").at(-1)!) as { loaded: boolean }).loaded;
}

describe("rampart/express without a shared store", () => {
  it("does not load the Redis client; configuring a Redis store does", () => {
    expect(loadsIoredis(`const { suspiciousAccess } = await import("rampart/express"); suspiciousAccess({});`)).toBe(false);
    // Port 9 (discard) on loopback: nothing listens, so the client only tries; what matters is that it loads.
    expect(
      loadsIoredis(
        `const { suspiciousAccess } = await import("rampart/express"); const m = suspiciousAccess({ store: { redis: "redis://127.0.0.1:9" } }); setTimeout(() => m.close(), 100);`,
      ),
    ).toBe(true);
  });
});
