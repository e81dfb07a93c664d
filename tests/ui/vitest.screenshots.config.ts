import { defineConfig } from "vitest/config";

/** `pnpm --filter @helexa/ui-tests screenshots`: writes the dashboard's PNGs under `docs/screenshots/`. */
export default defineConfig({
  test: {
    include: ["src/**/*.screenshots.ts"],
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
