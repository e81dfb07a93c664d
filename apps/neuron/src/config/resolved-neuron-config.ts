import type { NeuronConfig, NeuronModelConfig } from "@helexa/core";

/** A `[[models]]` entry after path resolution: `path` is absolute when set. */
export type ResolvedModelConfig = NeuronModelConfig;

/** `neuron.toml` after defaults, env overrides and path resolution. */
export interface ResolvedNeuronConfig extends Omit<NeuronConfig, "threads" | "models"> {
  /** llama.cpp CPU threads, decided from the core count when the file leaves it out. */
  threads: number;
  /** Absolute folder of the config file (or the working directory for programmatic configs). */
  config_dir: string;
  models: ResolvedModelConfig[];
}
