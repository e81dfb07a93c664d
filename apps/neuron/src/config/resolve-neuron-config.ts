import { isAbsolute, resolve } from "node:path";
import type { NeuronConfig } from "@helexa/core";
import { defaultThreads } from "./default-threads.js";
import type { ResolvedNeuronConfig } from "./resolved-neuron-config.js";

/**
 * Resolves relative model paths and `models_dir` against the config file's folder and fills `threads`.
 * URIs are left as they are.
 */
export function resolveNeuronConfig(
  config: NeuronConfig,
  configDir: string,
  availableParallelism: number,
): ResolvedNeuronConfig {
  const base = resolve(configDir);
  const at = (path: string) => (isAbsolute(path) ? path : resolve(base, path));
  return {
    ...config,
    threads: config.threads ?? defaultThreads(availableParallelism),
    config_dir: base,
    models_dir: at(config.models_dir),
    models: config.models.map((model) =>
      model.path === undefined ? model : { ...model, path: at(model.path) },
    ),
  };
}
