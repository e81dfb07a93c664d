/** The spec's component schemas by name, already converted to JSON Schema (mutable: quirks patch them). */
export type ComponentSchemas = Record<string, Record<string, unknown>>;

/** Components the quirks add: the schema a reply is held to where the API and the spec disagree. */
export const QUIRK_COMPONENTS = {
  /** A streamed `/v1/completions` chunk. */
  completionChunk: "HelexaCompletionChunk",
  /** The `response` of `response.created` / `response.in_progress`. */
  responseInProgress: "HelexaResponseInProgress",
} as const;

/**
 * The one place where the suite departs from OpenAI's published schemas, each time because OpenAI's live
 * API and the spec's own examples agree against the schema. helexa follows the API (the official SDKs are
 * written against it); a reply that breaks a schema anywhere else fails the suite.
 *
 * 1. Streamed completions: the spec has no chunk schema (a stream is documented as the non-streamed
 *    `CreateCompletionResponse`), but every chunk before the last carries `finish_reason: null`, as the
 *    API sends and the SDK types say. `HelexaCompletionChunk` is that schema with `finish_reason` nullable.
 * 2. `response.created` and `response.in_progress` carry the response before any token was counted: the
 *    API and the spec's examples send `usage: null`, which `Response.usage` (a `ResponseUsage`, not
 *    nullable) refuses. Those two events are held to `HelexaResponseInProgress`: `Response` with `usage`
 *    nullable. The terminal events (`response.completed`, `.incomplete`) keep the strict `Response`.
 */
export function applySpecQuirks(schemas: ComponentSchemas): void {
  const chunk = structuredClone(need(schemas, "CreateCompletionResponse"));
  const choice = pointer(chunk, ["properties", "choices", "items", "properties"]);
  choice.finish_reason = { anyOf: [choice.finish_reason, { type: "null" }] };
  schemas[QUIRK_COMPONENTS.completionChunk] = chunk;

  const inProgress = structuredClone(need(schemas, "Response"));
  const parts = inProgress.allOf as Array<Record<string, unknown>>;
  const own = parts.find(
    (part) => (part.properties as Record<string, unknown> | undefined)?.usage !== undefined,
  );
  if (own === undefined) throw new Error("spec quirks: Response has no usage property any more");
  const properties = pointer(own, ["properties"]);
  properties.usage = { anyOf: [properties.usage, { type: "null" }] };
  schemas[QUIRK_COMPONENTS.responseInProgress] = inProgress;
  for (const event of ["ResponseCreatedEvent", "ResponseInProgressEvent"]) {
    pointer(need(schemas, event), ["properties"]).response = {
      $ref: `#/components/schemas/${QUIRK_COMPONENTS.responseInProgress}`,
    };
  }
}

function need(schemas: ComponentSchemas, name: string): Record<string, unknown> {
  const schema = schemas[name];
  if (schema === undefined) throw new Error(`spec quirks: no component ${name} in the spec`);
  return schema;
}

/** The object at `path` below `node`; throws when the spec's shape moved (a quirk must not silently vanish). */
function pointer(node: Record<string, unknown>, path: string[]): Record<string, unknown> {
  let current: unknown = node;
  for (const key of path) {
    current =
      typeof current === "object" && current !== null ? (current as Record<string, unknown>)[key] : undefined;
  }
  if (typeof current !== "object" || current === null) {
    throw new Error(`spec quirks: nothing at ${path.join(".")}`);
  }
  return current as Record<string, unknown>;
}
