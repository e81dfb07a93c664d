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

/** Any hostile value for one field. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 3, arbitrary: nested },
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

/** Text that must never appear in an error reply: stack frames, source paths, engine internals. */
export const leakPattern =
  /\n\s+at |\bat [\w.$<>]+ \(|\.ts:\d|\.js:\d|node_modules|TypeError|RangeError|ReferenceError|is not iterable|is not a function|Cannot read prop|undefined/;
