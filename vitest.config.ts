import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Real servers (redis-server, prometheus, chromium) start inside tests; give them room on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Vitest's default is one worker fewer than the cores: a single worker on the 2-core CI machine, where the
    // longest files mostly wait on real servers and tools. Two files at a time took the suite from about 750 s
    // to 514 s there.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
