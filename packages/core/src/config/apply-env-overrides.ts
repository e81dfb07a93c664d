/**
 * Overlays `PREFIX_A__B=value` environment variables onto config data: `__` nests, keys are lower-cased,
 * values are parsed as JSON when they parse (numbers, booleans, arrays) and kept as strings otherwise.
 * Pure: the caller passes the environment. Returns a new object.
 */
export function applyEnvOverrides(
  data: Record<string, unknown>,
  env: Record<string, string | undefined>,
  prefix: string,
): Record<string, unknown> {
  const result: Record<string, unknown> = structuredClone(data);
  const head = `${prefix}_`;
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(head) || raw === undefined) continue;
    const path = name.slice(head.length).toLowerCase().split("__").filter(Boolean);
    const last = path.pop();
    if (last === undefined) continue;
    let target = result;
    for (const key of path) {
      const next = target[key];
      if (typeof next !== "object" || next === null || Array.isArray(next)) target[key] = {};
      target = target[key] as Record<string, unknown>;
    }
    target[last] = parseEnvValue(raw);
  }
  return result;
}

function parseEnvValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
