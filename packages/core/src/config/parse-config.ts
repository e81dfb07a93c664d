import type { z } from "zod";

/** Outcome of validating one config file. */
export type ParseConfigResult<T> = { ok: true; config: T } | { ok: false; error: string; issues: string[] };

/**
 * Validates already-parsed config data (from TOML) against a schema. A failure names the file, each
 * field path and what was expected, e.g. `neuron.toml: models[0].sequences: expected number, received string`.
 */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  data: unknown,
  fileName: string,
): ParseConfigResult<z.output<S>> {
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, config: result.data };
  const issues = result.error.issues.map((issue) => {
    const path = issue.path
      .map((part, index) =>
        typeof part === "number" ? `[${part}]` : `${index === 0 ? "" : "."}${String(part)}`,
      )
      .join("");
    return `${fileName}: ${path || "(root)"}: ${issue.message}`;
  });
  return { ok: false, error: `invalid config:\n  ${issues.join("\n  ")}`, issues };
}
