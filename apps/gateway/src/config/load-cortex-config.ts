import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import {
  applyEnvOverrides,
  type CortexConfig,
  cortexConfigSchema,
  type ModelsCatalogue,
  modelsCatalogueSchema,
  parseConfig,
} from "@helexa/core";
import { parse as parseToml } from "smol-toml";

/** A validated `cortex.toml` plus its `models.toml` catalogue, with relative paths resolved. */
export interface LoadedCortexConfig {
  config: CortexConfig;
  catalogue: ModelsCatalogue;
  configPath: string;
  /** Absolute path of the catalogue, or null when `models_config` is not set. */
  cataloguePath: string | null;
}

/** A config that cannot be used; the message names the file and the fields. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const EMPTY_CATALOGUE: ModelsCatalogue = { models: [], aliases: {} };

/**
 * Reads `cortex.toml`, overlays `CORTEX_*` variables from `env` (`__` nests), validates it, then reads the
 * catalogue named by `models_config` (relative to the config file). Unlike the original, a catalogue that
 * is missing or does not parse is an error, not a silently empty fleet catalogue.
 */
export async function loadCortexConfig(
  path: string,
  env: Record<string, string | undefined> = {},
): Promise<LoadedCortexConfig> {
  const configPath = resolve(path);
  const data = applyEnvOverrides(await readToml(configPath), env, "CORTEX");
  const parsed = parseConfig(cortexConfigSchema, data, configPath);
  if (!parsed.ok) throw new ConfigError(parsed.error);
  const config = parsed.config;
  const names = new Set<string>();
  for (const [index, neuron] of config.neurons.entries()) {
    if (names.has(neuron.name)) {
      throw new ConfigError(`${configPath}: neurons[${index}].name: duplicate neuron name '${neuron.name}'`);
    }
    names.add(neuron.name);
  }
  const base = dirname(configPath);
  config.ledger.path = resolveFrom(base, config.ledger.path);
  if (config.models_config === undefined) {
    return { config, catalogue: EMPTY_CATALOGUE, configPath, cataloguePath: null };
  }
  const cataloguePath = resolveFrom(base, config.models_config);
  config.models_config = cataloguePath;
  const catalogueParsed = parseConfig(modelsCatalogueSchema, await readToml(cataloguePath), cataloguePath);
  if (!catalogueParsed.ok) throw new ConfigError(catalogueParsed.error);
  const catalogue = catalogueParsed.config;
  for (const model of catalogue.models) {
    if (model.path !== undefined) model.path = resolveFrom(dirname(cataloguePath), model.path);
  }
  checkAliases(catalogue, cataloguePath);
  return { config, catalogue, configPath, cataloguePath };
}

function resolveFrom(base: string, path: string): string {
  return isAbsolute(path) ? path : resolve(base, path);
}

async function readToml(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(error);
    throw new ConfigError(`${path}: ${reason}`);
  }
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`${path}: invalid TOML: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function checkAliases(catalogue: ModelsCatalogue, path: string): void {
  const ids = new Set(catalogue.models.map((model) => model.id));
  const seen = new Set<string>();
  for (const model of catalogue.models) {
    if (seen.has(model.id)) throw new ConfigError(`${path}: models: duplicate id '${model.id}'`);
    seen.add(model.id);
  }
  for (const alias of Object.keys(catalogue.aliases)) {
    if (ids.has(alias))
      throw new ConfigError(`${path}: aliases.${alias}: an alias may not shadow a model id`);
  }
}
