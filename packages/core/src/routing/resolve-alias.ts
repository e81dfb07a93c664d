/**
 * Resolves a requested model id through `[aliases]`: one lookup, no chaining, and an id that is not an
 * alias passes through unchanged. Only own keys count, so `"constructor"` is never an alias by accident.
 */
export function resolveAlias(requested: string, aliases: Readonly<Record<string, string>>): string {
  return Object.hasOwn(aliases, requested) ? (aliases[requested] ?? requested) : requested;
}
