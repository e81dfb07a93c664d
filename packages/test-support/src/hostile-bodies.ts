import fc from "fast-check";

/**
 * Hostile request bodies for the fuzz tests: a valid body of the route with one to three of its known
 * fields (or nested fields) replaced by a wrong type, an extreme number, strange unicode, deep nesting,
 * or removed. The text is built by hand where JSON.stringify cannot (nesting past its recursion).
 */

/** A value `depth` levels of objects and arrays deep, as JSON text. */
export function deepJsonText(depth: number): string {
  return `${'{"a":['.repeat(depth)}1${"]}".repeat(depth)}`;
}

/** Replaced by `deepJsonText(n)` after stringifying. */
const deepMarker = (depth: number) => ({ __deep__: depth });

const strangeStrings = fc.constantFrom(
  "",
  " ",
  "\u0000",
  "\uD800",
  "\uDFFF\uD800",
  "\uFEFF",
  "\u202E\u2066",
  "👩‍👩‍👧‍👦".repeat(50),
  "a".repeat(20_000),
  "null",
  "__proto__",
  "constructor",
  "tiny",
  "function",
  "json_schema",
  "<|im_start|>system\n",
  "{{ raise_exception('x') }}",
  "%s%n%x",
);

const extremeNumbers = fc.constantFrom(
  0,
  -0,
  -1,
  1,
  2,
  0.5,
  1.5,
  -2.0000001,
  2.0000001,
  1e-320,
  1e308,
  -1e308,
  2 ** 31,
  2 ** 32 + 1,
  2 ** 53,
  2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
);

const scalar = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  extremeNumbers,
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 8 }),
  strangeStrings,
);

const { value: nested } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie("value"), { maxKeys: 3 }),
  ),
}));

/** Numbers a sampling field accepts, edges included: these reach the engine. */
const inRangeNumber = fc.oneof(
  fc.double({ min: -2, max: 2, noNaN: true }),
  fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
  fc.constantFrom(Number.MIN_VALUE, 1e-300, 1e300),
);

/** JSON-schema-shaped values, supported or not, for tool parameters and response formats (kept small). */
const { schema: schemaLike } = fc.letrec<{ schema: unknown }>((tie) => ({
  schema: fc.oneof(
    { maxDepth: 3, depthIdentifier: "schema" },
    fc.record({ type: fc.constantFrom("string", "integer", "number", "boolean", "null", "weird", 7) }),
    fc.record(
      {
        type: fc.constantFrom("object", "array", "string", "integer", "weird"),
        properties: fc.dictionary(fc.string({ maxLength: 5 }), tie("schema"), { maxKeys: 2 }),
        items: tie("schema"),
        required: fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }),
        enum: fc.array(scalar, { maxLength: 2 }),
        const: scalar,
        anyOf: fc.array(tie("schema"), { maxLength: 2 }),
        minimum: extremeNumbers,
        maxLength: extremeNumbers,
        pattern: fc.constantFrom("^a+$", "(", "[", "\\"),
        $ref: fc.constantFrom("#", "#/definitions/x", "http://example.com/s"),
      },
      { requiredKeys: [] },
    ),
  ),
}));

/** Any hostile value for one field. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 3, arbitrary: nested },
  { weight: 3, arbitrary: inRangeNumber },
  { weight: 2, arbitrary: schemaLike },
  { weight: 1, arbitrary: fc.array(strangeStrings, { minLength: 1, maxLength: 16 }) },
  { weight: 1, arbitrary: fc.integer({ min: 65, max: 30_000 }).map(deepMarker) },
  { weight: 1, arbitrary: fc.array(scalar, { minLength: 17, maxLength: 40 }) },
);

/** A mutation: set the value at `path` (or delete it, for `undefined`). */
export interface Mutation {
  path: ReadonlyArray<string | number>;
  value: unknown;
}

/** One to three mutations on paths drawn from `paths`. */
export function mutations(paths: ReadonlyArray<ReadonlyArray<string | number>>): fc.Arbitrary<Mutation[]> {
  const mutation = fc.record({
    path: fc.constantFrom(...paths),
    value: fc.oneof({ weight: 6, arbitrary: hostileValue }, { weight: 1, arbitrary: fc.constant(undefined) }),
  });
  return fc.array(mutation, { minLength: 1, maxLength: 3 });
}

/** `base` with `changes` applied (a path through a non-object replaces that step with an object). */
export function applyMutations(
  base: Record<string, unknown>,
  changes: readonly Mutation[],
): Record<string, unknown> {
  const body = structuredClone(base);
  for (const { path, value } of changes) {
    let target: Record<string | number, unknown> = body;
    for (const [index, key] of path.entries()) {
      if (index === path.length - 1) {
        if (value === undefined) delete target[key];
        else target[key] = value;
        break;
      }
      const next = target[key];
      if (typeof next !== "object" || next === null)
        target[key] = typeof path[index + 1] === "number" ? [] : {};
      target = target[key] as Record<string | number, unknown>;
    }
  }
  return body;
}

/** The body as request text, deep markers expanded. */
export function bodyText(body: Record<string, unknown>): string {
  return JSON.stringify(body).replace(/\{"__deep__":(\d+)\}/g, (_match, depth: string) =>
    deepJsonText(Number(depth)),
  );
}

const nonEmptyStrange = fc
  .oneof(strangeStrings, fc.string({ minLength: 1, maxLength: 8 }))
  .filter((text) => text !== "");

/**
 * Valid bodies at the edges, which pass validation and reach the engine: every sampling field in its
 * range (extremes included), stop lists of odd strings, JSON-schema-shaped tool parameters and response
 * formats, odd unicode in the prompt. `route` picks the prompt and output-limit fields.
 */
export function edgeBody(route: "chat" | "completion" | "responses"): fc.Arbitrary<Record<string, unknown>> {
  const sampling = fc.record(
    {
      temperature: fc.double({ min: 0, max: 2, noNaN: true }),
      top_p: fc.double({ min: 0, max: 1, noNaN: true }),
      top_k: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      min_p: fc.double({ min: 0, max: 1, noNaN: true }),
      seed: fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
      presence_penalty: fc.double({ min: -2, max: 2, noNaN: true }),
      frequency_penalty: fc.double({ min: -2, max: 2, noNaN: true }),
      repeat_penalty: fc.double({ min: Number.MIN_VALUE, max: 1e300, noNaN: true }),
      stop: fc.oneof(nonEmptyStrange, fc.array(nonEmptyStrange, { maxLength: 16 })),
      stream: fc.boolean(),
    },
    { requiredKeys: [] },
  );
  const text = fc.oneof(strangeStrings, fc.string({ maxLength: 40 }));
  const schema = schemaLike.map((value) => value as Record<string, unknown>);
  // Huge limits only where no grammar constrains the answer (a grammar makes each token slow).
  const hugeLimit = fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constantFrom(2 ** 31, 2 ** 53 - 1));
  const limit = fc.integer({ min: 1, max: 4 });
  if (route === "completion") {
    return fc
      .record({ sampling, prompt: text, max_tokens: hugeLimit })
      .map(({ sampling: fields, prompt, max_tokens }) => ({ model: "tiny", ...fields, prompt, max_tokens }));
  }
  const tools = fc.option(
    schema.map((parameters) => [{ type: "function", function: { name: "f", parameters } }]),
    { nil: undefined },
  );
  const format = fc.option(schema, { nil: undefined });
  return fc.record({ sampling, text, limit, tools, format }).map((parts) => {
    const body: Record<string, unknown> = { model: "tiny", ...parts.sampling };
    if (route === "chat") {
      body.messages = [{ role: "user", content: parts.text }];
      body.max_tokens = parts.limit;
      if (parts.tools !== undefined) body.tools = parts.tools;
      if (parts.format !== undefined)
        body.response_format = { type: "json_schema", json_schema: { name: "x", schema: parts.format } };
    } else {
      body.input = parts.text;
      body.max_output_tokens = parts.limit;
      if (parts.tools !== undefined)
        body.tools = parts.tools.map((tool) => ({ type: "function", ...tool.function }));
      if (parts.format !== undefined)
        body.text = { format: { type: "json_schema", name: "x", schema: parts.format } };
    }
    return body;
  });
}
