import { applyEnvOverrides, type NeuronConfig, neuronConfigSchema, parseConfig } from "@helexa/core";
import { parse as parseToml } from "smol-toml";
import { isLoopbackHost } from "./is-loopback-host.js";

/** Outcome of reading `neuron.toml`: the validated config, or a message naming the file and fields. */
export type NeuronConfigResult = { ok: true; config: NeuronConfig } | { ok: false; error: string };

/**
 * Parses TOML text, overlays `NEURON_*` variables (`__` nests) and validates against the core schema.
 * Each error names its file and line, or the variable that set the key; unknown keys are errors. A
 * `host` beyond loopback without `auth_token` is refused: an open neuron lets anyone who reaches it load,
 * unload and generate. Pure: the caller passes the text and the environment.
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
  const configEnv = withoutNonConfigVariables(env);
  const overlaid = applyEnvOverrides(data, configEnv, "NEURON");
  const parsed = parseConfig(neuronConfigSchema, overlaid, {
    fileName,
    text,
    env: configEnv,
    envPrefix: "NEURON",
  });
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const config = parsed.config;
  if (config.auth_token === undefined && !isLoopbackHost(config.host)) {
    const source = configEnv.NEURON_HOST !== undefined ? "NEURON_HOST" : fileName;
    return {
      ok: false,
      error: `${source}: host = "${config.host}" is reachable beyond this machine but no auth_token is set; set auth_token (or NEURON_AUTH_TOKEN), or listen on host = "127.0.0.1"`,
    };
  }
  return { ok: true, config };
}

/** `NEURON_LOG_LEVEL` and `NEURON_WORKER_EXEC_ARGV` configure the process, not the file. */
function withoutNonConfigVariables(env: Record<string, string | undefined>) {
  const { NEURON_LOG_LEVEL: _level, NEURON_WORKER_EXEC_ARGV: _argv, ...rest } = env;
  return rest;
}
