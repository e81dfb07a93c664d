import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { basename, dirname, resolve } from "node:path";
import { parseNeuronConfigText } from "../config/parse-neuron-config-text.js";
import { resolveNeuronConfig } from "../config/resolve-neuron-config.js";
import type { ResolvedNeuronConfig } from "../config/resolved-neuron-config.js";

export type ToolConfigResult =
  | { ok: true; config: ResolvedNeuronConfig; note?: string }
  | { ok: false; error: string };

/**
 * The config `neuron pull` and `neuron models` work from. Without `--config`, a missing `./neuron.toml`
 * means the defaults (`models_dir = "models"` here, Hugging Face's download hosts), said in a note; a file
 * named with `--config` must exist. `NEURON_*` variables apply as they do for `serve`.
 */
export async function readToolConfig(
  configPath: string | undefined,
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<ToolConfigResult> {
  const path = resolve(cwd, configPath ?? "neuron.toml");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (configPath !== undefined || (error as NodeJS.ErrnoException).code !== "ENOENT")
      return { ok: false, error: `cannot read config ${path}: ${(error as Error).message}` };
    const parsed = parseNeuronConfigText("", "defaults", env);
    if (!parsed.ok) return parsed;
    return {
      ok: true,
      config: resolveNeuronConfig(parsed.config, cwd, availableParallelism()),
      note: `no ${path}: using the defaults (models_dir = "models" in ${cwd})`,
    };
  }
  const parsed = parseNeuronConfigText(text, basename(path), env);
  if (!parsed.ok) return parsed;
  return { ok: true, config: resolveNeuronConfig(parsed.config, dirname(path), availableParallelism()) };
}
