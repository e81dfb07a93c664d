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
    reporters: ["default", "json"],
    outputFile: { json: ".test-results/vitest.json" },
  },
});
