import { readFileSync } from "node:fs";
import { applyEnvOverrides, type CortexConfig, cortexConfigSchema, parseConfig } from "@helexa/core";
import { parse } from "smol-toml";

/** Reads and validates `cortex.toml` with `CORTEX_*` environment overrides, as `cortex serve` does. */
export function readCortexConfig(
  file: string,
  env: Record<string, string | undefined>,
): { ok: true; config: CortexConfig } | { ok: false; error: string } {
  let data: Record<string, unknown>;
  try {
    data = parse(readFileSync(file, "utf8"));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `failed to load config from '${file}': ${reason}` };
  }
  const parsed = parseConfig(cortexConfigSchema, applyEnvOverrides(data, env, "CORTEX"), file);
  return parsed.ok ? parsed : { ok: false, error: parsed.error };
}
