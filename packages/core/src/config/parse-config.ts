import type { z } from "zod";
import { type EnvOverrideSource, envOverrideSources } from "./env-override-sources.js";
import { closestKey } from "./internal/closest-key.js";
import { knownKeysAt } from "./internal/known-keys-at.js";
import { locateTomlKey } from "./locate-toml-key.js";

/** Outcome of validating one config file. */
export type ParseConfigResult<T> = { ok: true; config: T } | { ok: false; error: string; issues: string[] };

/** Where config data came from, so an error can name the file, its line, or the variable that set a key. */
export interface ConfigSource {
  /** Shown in errors: the file's path or name. */
  fileName: string;
  /** The file's TOML text, to name the line of a key. */
  text?: string;
  /** The environment passed to `applyEnvOverrides`, with its prefix, to blame `NEURON_PORT` for `port`. */
  env?: Record<string, string | undefined>;
  envPrefix?: string;
}

/**
 * Validates already-parsed config data (from TOML) against a schema. A failure names the source of each
 * issue (the file, with its line when `text` is given, or the environment variable that set the key),
 * the field path and what was expected, e.g.
 * `neuron.toml: models[0].sequences: expected number, received string (line 12)`. Unknown keys (strict
 * schemas) read `unknown key \`gateway.poll_intervall_ms\` in cortex.toml (line 3); did you mean
 * \`poll_interval_ms\`?`. Values are never echoed, so a mistyped secret stays out of the message.
 */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  data: unknown,
  source: string | ConfigSource,
): ParseConfigResult<z.output<S>> {
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, config: result.data };
  const from = typeof source === "string" ? { fileName: source } : source;
  const env = from.env === undefined ? [] : envOverrideSources(from.env, from.envPrefix ?? "");
  const issues = result.error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      const known = knownKeysAt(schema, issue.path);
      return issue.keys.map((key) => {
        const path = [...issue.path, key];
        const suggestion = closestKey(key, known);
        return `unknown key \`${formatPath(path)}\` in ${where(from, env, path)}${
          suggestion === undefined ? "" : `; did you mean \`${suggestion}\`?`
        }`;
      });
    }
    const variable = blame(env, issue.path);
    const line = variable === undefined ? lineOf(from, issue.path) : undefined;
    const prefix = variable?.name ?? from.fileName;
    return [
      `${prefix}: ${formatPath(issue.path) || "(root)"}: ${issue.message}${line === undefined ? "" : ` (line ${line})`}`,
    ];
  });
  return { ok: false, error: `invalid config:\n  ${issues.join("\n  ")}`, issues };
}

function where(from: ConfigSource, env: EnvOverrideSource[], path: readonly PropertyKey[]): string {
  const variable = blame(env, path);
  if (variable !== undefined) return variable.name;
  const line = lineOf(from, path);
  return line === undefined ? from.fileName : `${from.fileName} (line ${line})`;
}

/** The variable that set this key or a table above it (`CORTEX_NEURONS='[…]'` for `neurons[0].x`). */
function blame(env: EnvOverrideSource[], path: readonly PropertyKey[]): EnvOverrideSource | undefined {
  return env.find(
    (source) =>
      source.path.length <= path.length &&
      source.path.every((segment, index) => segment === String(path[index])),
  );
}

function lineOf(from: ConfigSource, path: readonly PropertyKey[]): number | undefined {
  return from.text === undefined ? undefined : locateTomlKey(from.text, path);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === "number" ? `[${part}]` : `${index === 0 ? "" : "."}${String(part)}`,
    )
    .join("");
}
