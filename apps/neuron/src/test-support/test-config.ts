import { tmpdir } from "node:os";
import { type NeuronModelConfig, neuronConfigSchema } from "@helexa/core";
import { resolveNeuronConfig } from "../config/resolve-neuron-config.js";
import type { ResolvedNeuronConfig } from "../config/resolved-neuron-config.js";

type ModelInput = Partial<NeuronModelConfig> & { id: string };

/** A validated, resolved config for tests: CPU, one thread, the given models and overrides. */
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
