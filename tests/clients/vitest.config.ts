import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.js";

// A CLI's turn evaluates a 34k–41k-token prompt twice on one CPU thread: seconds alone, but `pnpm test`
// runs every package at once on two cores, so the turns get far more than the shared 180 s (a bound against
// hangs, never a speed check; each CLI is also killed after 240 s).
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 300_000, hookTimeout: 300_000 } }));
