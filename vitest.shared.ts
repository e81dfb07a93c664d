import { defineConfig } from "vitest/config";

/**
 * The one vitest config every package uses: tests beside their sources, generous timeouts (the machines
 * are shared; speed is checked by `pnpm bench`, never by tests), and a JSON report that `.ci/run` sums
 * into its "N passed, N failed" line.
 */
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // Bounds against hangs, not speed: on a loaded 2-core machine (CI runs every package at once) a test
    // neuron's start and model load took over 60 s in beforeAll, and real generations in a test as long.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // expect.poll gives up after 1 s by default: a speed assumption (a PostgreSQL write-behind under CI's load
    // can take longer). Poll as long as a test may run; the condition, not the clock, decides.
    expect: { poll: { timeout: 30_000 } },
    reporters: ["default", "json"],
    outputFile: { json: ".test-results/vitest.json" },
  },
});
