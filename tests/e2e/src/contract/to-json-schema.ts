/** A schema node of the parsed spec: JSON values all the way down. */
export type SchemaNode = unknown;

/**
 * Turns one OpenAPI 3.1 schema (from `openai-spec/openapi.yaml`) into plain JSON Schema 2020-12, deeply:
 * the OpenAPI 3.0 `nullable: true` markers the spec still carries become "or null" (`anyOf` with
 * `{type: "null"}`, which also works beside `$ref`, `enum` and `allOf`), and `discriminator` (an OpenAPI
 * annotation that only names the property `anyOf` branches differ by) and `example` are dropped. Nothing
 * else changes: `additionalProperties` stays as the spec has it (absent: extra fields allowed).
 */
export function toJsonSchema(node: SchemaNode): SchemaNode {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== "object" || node === null) return node;
  const converted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "nullable" || key === "discriminator" || key === "example") continue;
    // Property maps hold names, not keywords: a property called `nullable` must survive.
    converted[key] = key === "properties" ? mapValues(value, toJsonSchema) : toJsonSchema(value);
  }
  const nullable = (node as Record<string, unknown>).nullable === true;
  return nullable ? { anyOf: [converted, { type: "null" }] } : converted;
}

function mapValues(value: unknown, convert: (node: SchemaNode) => SchemaNode): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return convert(value);
  return Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, convert(schema)]));
}
