import { defineConfig } from "vitest/config";

/**
 * The one vitest config every package uses: tests beside their sources, generous timeouts (the machines
 * are shared; speed is checked by `pnpm bench`, never by tests), and a JSON report that `.ci/run` sums
 * into its "N passed, N failed" line.
 */
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll gives up after 1 s by default: a speed assumption (a PostgreSQL write-behind under CI's load
    // can take longer). Poll as long as a test may run; the condition, not the clock, decides.
    expect: { poll: { timeout: 30_000 } },
    reporters: ["default", "json"],
    outputFile: { json: ".test-results/vitest.json" },
  },
});
