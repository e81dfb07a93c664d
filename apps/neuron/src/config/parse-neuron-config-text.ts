import { applyEnvOverrides, type NeuronConfig, neuronConfigSchema, parseConfig } from "@helexa/core";
import { parse as parseToml } from "smol-toml";

/** Outcome of reading `neuron.toml`: the validated config, or a message naming the file and fields. */
export type NeuronConfigResult = { ok: true; config: NeuronConfig } | { ok: false; error: string };

/**
 * Parses TOML text, overlays `NEURON_*` variables (`__` nests) and validates against the core schema.
 * Pure: the caller passes the text and the environment.
 */
export function parseNeuronConfigText(
  text: string,
  fileName: string,
  env: Record<string, string | undefined>,
): NeuronConfigResult {
  let data: Record<string, unknown>;
  try {
    data = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `${fileName}: invalid TOML: ${detail}` };
  }
  const overlaid = applyEnvOverrides(data, withoutNonConfigVariables(env), "NEURON");
  const parsed = parseConfig(neuronConfigSchema, overlaid, fileName);
  return parsed.ok ? { ok: true, config: parsed.config } : { ok: false, error: parsed.error };
}

/** `NEURON_LOG_LEVEL` configures the logger, not the file. */
function withoutNonConfigVariables(env: Record<string, string | undefined>) {
  const { NEURON_LOG_LEVEL: _ignored, ...rest } = env;
  return rest;
}
