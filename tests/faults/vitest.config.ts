import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.js";

// Each fault runs a few dozen real requests against real processes and waits for the fleet to recover:
// minutes, not seconds, on a shared 2-core machine. No assertion depends on that time.
export default mergeConfig(
  shared,
  defineConfig({ test: { testTimeout: 600_000, hookTimeout: 300_000, fileParallelism: false } }),
);
