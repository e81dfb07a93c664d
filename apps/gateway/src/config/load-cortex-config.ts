import { readFileSync } from "node:fs";
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

/** `CORTEX_*` variables that configure the process or the CLI, not `cortex.toml`. */
const NON_CONFIG_VARIABLES = new Set(["CORTEX_LOG_LEVEL", "CORTEX_URL", "CORTEX_API_KEY"]);

/**
 * Reads and validates `cortex.toml` alone, with `CORTEX_*` variables from `env` overlaid (`__` nests):
 * the one reader behind `cortex serve` and `cortex usage`. Throws `ConfigError` naming the file and line,
 * or the variable, of each problem; an unknown key is an error with the closest valid key. Paths are left
 * as written.
 */
export function readCortexConfigFile(
  path: string,
  env: Record<string, string | undefined> = {},
): CortexConfig {
  const configPath = resolve(path);
  const text = readText(configPath);
  const configEnv = Object.fromEntries(
    Object.entries(env).filter(([name]) => !NON_CONFIG_VARIABLES.has(name)),
  );
  const data = applyEnvOverrides(parseTomlText(text, configPath), configEnv, "CORTEX");
  const parsed = parseConfig(cortexConfigSchema, data, {
    fileName: configPath,
    text,
    env: configEnv,
    envPrefix: "CORTEX",
  });
  if (!parsed.ok) throw new ConfigError(parsed.error);
  const config = parsed.config;
  const names = new Set<string>();
  for (const [index, neuron] of config.neurons.entries()) {
    if (names.has(neuron.name)) {
      throw new ConfigError(`${configPath}: neurons[${index}].name: duplicate neuron name '${neuron.name}'`);
    }
    names.add(neuron.name);
  }
  return config;
}

/**
 * Reads `cortex.toml` (see `readCortexConfigFile`), then the catalogue named by `models_config` (relative
 * to the config file). A catalogue that is missing or does not parse is an error, not a silently empty
 * catalogue: a typo in `models_config` would otherwise start cortex with no models to route.
 */
export async function loadCortexConfig(
  path: string,
  env: Record<string, string | undefined> = {},
): Promise<LoadedCortexConfig> {
  const configPath = resolve(path);
  const config = readCortexConfigFile(configPath, env);
  const base = dirname(configPath);
  config.ledger.path = resolveFrom(base, config.ledger.path);
  if (config.models_config === undefined) {
    return { config, catalogue: EMPTY_CATALOGUE, configPath, cataloguePath: null };
  }
  const cataloguePath = resolveFrom(base, config.models_config);
  config.models_config = cataloguePath;
  const catalogueText = readText(cataloguePath);
  const catalogueParsed = parseConfig(modelsCatalogueSchema, parseTomlText(catalogueText, cataloguePath), {
    fileName: cataloguePath,
    text: catalogueText,
  });
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

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT"
        ? "file not found"
        : error instanceof Error
          ? error.message
          : String(error);
    throw new ConfigError(`${path}: ${reason}`);
  }
}

function parseTomlText(text: string, path: string): Record<string, unknown> {
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
