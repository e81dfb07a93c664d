import { tmpdir } from "node:os";
import { type NeuronModelConfig, neuronConfigSchema } from "@helexa/core";
import { resolveNeuronConfig } from "../config/resolve-neuron-config.js";
import type { ResolvedNeuronConfig } from "../config/resolved-neuron-config.js";

type ModelInput = Partial<NeuronModelConfig> & { id: string };

/**
 * The backend real-inference tests run on: CPU unless `HELEXA_TEST_GPU` names one (`pnpm test:gpu`
 * sets `cuda`), so the same suite checks a GPU host.
 */
export const testGpu = (process.env.HELEXA_TEST_GPU ?? "cpu") as "cpu" | "cuda" | "vulkan" | "auto";

/** A validated, resolved config for tests: one thread, the test backend, the given models and overrides. */
export function testConfig(
  models: ModelInput[],
  overrides: Record<string, unknown> = {},
  configDir = tmpdir(),
): ResolvedNeuronConfig {
  const config = neuronConfigSchema.parse({
    port: 0,
    host: "127.0.0.1",
    threads: 1,
    gpu: "cpu",
    ...overrides,
    models,
  });
  return resolveNeuronConfig(config, configDir, 2);
}
