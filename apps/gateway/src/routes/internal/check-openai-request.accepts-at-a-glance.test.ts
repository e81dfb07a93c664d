import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { acceptsAtAGlance, openAiRequestSchemas } from "./check-openai-request.js";

const routes = ["/v1/chat/completions", "/v1/completions", "/v1/responses", "/infill"] as const;

/** Values near every edge the checks draw: ranges, integers, null, wrong types. */
const edgy = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    "",
    "x",
    0,
    -0,
    1,
    -1,
    2,
    2.5,
    -2,
    -2.5,
    0.5,
    5,
    6,
    16,
    20,
    21,
    128,
    129,
  ),
  fc.constantFrom(2_147_483_647, 2_147_483_648, Number.MAX_SAFE_INTEGER, 2 ** 53, -(2 ** 53), 1e308, -1e-9),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.string({ maxLength: 4 }),
  fc.constantFrom(
    [],
    ["a"],
    ["a", 1],
    Array.from({ length: 17 }, () => "s"),
    {},
    { include_usage: true },
  ),
  fc.constantFrom({ include_usage: "yes" }, { include_usage: null, other: 1 }, [[1, 2]], [1, 2], ["a", "b"]),
);

const message = fc.record(
  {
    role: fc.constantFrom("system", "developer", "user", "assistant", "tool", "robot", 1),
    content: fc.oneof(
      fc.string({ maxLength: 4 }),
      fc.constant(null),
      fc.constant([{ type: "text", text: "x" }]),
      fc.integer(),
    ),
    name: fc.oneof(fc.string({ maxLength: 3 }), fc.integer()),
    tool_call_id: fc.oneof(fc.string({ maxLength: 3 }), fc.constant(null)),
    extra: fc.constant(1),
  },
  { requiredKeys: [] },
);

const fields = [
  "model",
  "temperature",
  "top_p",
  "top_k",
  "min_p",
  "seed",
  "presence_penalty",
  "frequency_penalty",
  "repeat_penalty",
  "repetition_penalty",
  "stop",
  "n",
  "logprobs",
  "top_logprobs",
  "stream",
  "stream_options",
  "max_tokens",
  "max_completion_tokens",
  "max_output_tokens",
  "prompt",
  "input",
  "echo",
  "suffix",
  "best_of",
  "instructions",
  "previous_response_id",
  "parallel_tool_calls",
  "input_prefix",
  "input_suffix",
  "n_predict",
  "logit_bias",
  "response_format",
  "tools",
  "include",
  "text",
  "input_extra",
  "unknown_field",
  "__proto__",
  "toString",
  "constructor",
];

const body = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...fields), edgy, { maxKeys: 8 }),
    fc.option(fc.array(message, { maxLength: 3 })),
    fc.option(fc.oneof(fc.constant("bench"), fc.constant(""), fc.integer())),
  )
  .map(([picked, messages, model]) => {
    const result: Record<string, unknown> = JSON.parse(JSON.stringify(picked));
    if (messages !== null) result.messages = messages;
    if (model !== null) result.model = model;
    return result;
  });

describe("acceptsAtAGlance", () => {
  it("accepts only what the route's schema accepts (never more)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...routes), body, (route, candidate) => {
        if (acceptsAtAGlance(route, candidate))
          expect(openAiRequestSchemas[route].safeParse(candidate).success).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it("accepts the common shapes at a glance, so the schema is not run for them", () => {
    const chat = {
      model: "m",
      messages: [
        { role: "system", content: "Be terse." },
        { role: "user", content: "hi", name: "ann" },
      ],
      max_tokens: 16,
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.7,
      user: "unknown fields pass",
    };
    expect(acceptsAtAGlance("/v1/chat/completions", chat)).toBe(true);
    expect(acceptsAtAGlance("/v1/completions", { model: "m", prompt: "hi", max_tokens: 4 })).toBe(true);
    expect(acceptsAtAGlance("/v1/responses", { model: "m", input: "hi", stream: false })).toBe(true);
    expect(acceptsAtAGlance("/infill", { model: "m", input_prefix: "a", input_suffix: "b" })).toBe(true);
  });

  it("leaves every doubtful body to the schema: parts, tools, out-of-range numbers, inherited names", () => {
    const base = { model: "m", messages: [{ role: "user", content: "hi" }] };
    for (const doubtful of [
      { ...base, messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] },
      { ...base, tools: [] },
      { ...base, temperature: 2.5 },
      { ...base, max_tokens: 0 },
      { ...base, messages: [] },
      { model: "m" },
    ])
      expect(acceptsAtAGlance("/v1/chat/completions", doubtful)).toBe(false);
    // Names an object inherits are unknown fields like any other (and pass, as the schema lets them).
    const inherited = JSON.parse(
      '{"model":"m","messages":[{"role":"user","content":"hi"}],"__proto__":{"x":1},"toString":1,"constructor":2}',
    );
    expect(acceptsAtAGlance("/v1/chat/completions", inherited)).toBe(true);
    expect(openAiRequestSchemas["/v1/chat/completions"].safeParse(inherited).success).toBe(true);
  });
});
