/** One environment variable that `applyEnvOverrides` applies: its name and the config path it sets. */
export interface EnvOverrideSource {
  name: string;
  path: string[];
}

/**
 * The variables `applyEnvOverrides(data, env, prefix)` applies and the key each sets, so a config error
 * can blame `NEURON_PORT` instead of the file. Same rules: `PREFIX_A__B` sets `a.b`. Never the values.
 */
export function envOverrideSources(
  env: Record<string, string | undefined>,
  prefix: string,
): EnvOverrideSource[] {
  const head = `${prefix}_`;
  const sources: EnvOverrideSource[] = [];
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(head) || raw === undefined) continue;
    const path = name.slice(head.length).toLowerCase().split("__").filter(Boolean);
    if (path.length > 0) sources.push({ name, path });
  }
  return sources;
}
