/**
 * Deepest nesting a JSON-schema-like field may have (tool `parameters`, `response_format` schemas,
 * Anthropic `input_schema`); cortex and the neuron apply the same bound. Real schemas stay under ten
 * levels; the bound keeps the neuron's template renderer, grammar compiler and IPC channel (all
 * recursive) far from the stack limit.
 */
export const maxJsonSchemaDepth = 64;

/**
 * Whether `value` nests objects or arrays more than `limit` levels deep (`{}` is one level; scalars are
 * none). Walks with an explicit stack, so a value nested 100,000 deep is measured without exhausting the
 * call stack.
 */
export function exceedsJsonDepth(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, depth] = next;
    if (typeof item !== "object" || item === null) continue;
    if (depth + 1 > limit) return true;
    for (const child of Object.values(item)) {
      if (typeof child === "object" && child !== null) pending.push([child, depth + 1]);
    }
  }
  return false;
}
