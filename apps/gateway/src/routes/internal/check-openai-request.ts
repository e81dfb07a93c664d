import {
  completionPromptSchema,
  formatZodIssue,
  invalidRequest,
  jsonSchemaObjectSchema,
  logitBiasSchema,
  maxMessages,
  samplingRangeFields,
} from "@helexa/core";
import { z } from "zod";
import type { UpstreamRoute } from "../../dispatch/dispatch.js";

/*
 * The field checks of an OpenAI pass-through request: `checkOpenAiRequest` tries `acceptsAtAGlance` (plain
 * checks of the common shape) first and asks the zod schemas (`openAiRequestSchemas`) about anything it
 * cannot vouch for; the schemas word every refusal.
 */

/**
 * Refuses an OpenAI request whose fields have the wrong type, range or shape: 400
 * `invalid_request_error` with `param` naming the field as the neuron does (`messages[3].content`,
 * `tools[0].function.parameters`). Unknown fields pass.
 */
export function checkOpenAiRequest(route: UpstreamRoute, body: Record<string, unknown>): void {
  if (route === "/v1/tokenize" || acceptsAtAGlance(route, body)) return;
  const parsed = openAiRequestSchemas[route].safeParse(body);
  if (parsed.success) return;
  const first = parsed.error.issues[0];
  if (first === undefined) throw invalidRequest("invalid request body");
  const { param, message } = formatZodIssue(first);
  throw invalidRequest(message, param);
}

// The fields cortex or the neuron read from an OpenAI request, with the neuron's types and ranges, so a
// wrong one is refused here before any routing, budget or neuron work. Objects are loose: clients send
// many fields nobody reads, and those stay accepted. Cortex forwards the body as sent; nothing here
// transforms it.

const positiveInteger = z.number().int().positive().nullable().optional();

const samplingFields = {
  model: z.string().min(1),
  ...samplingRangeFields,
  // Choices run at once on the model's sequences (the neuron names its limit); OpenAI's own bound here.
  n: z.number().int().min(1).max(128).nullable().optional(),
  logit_bias: logitBiasSchema,
  // Chat: a boolean (with top_logprobs 0..20); completions: how many alternatives per token, 0..5.
  logprobs: z
    .union([z.boolean(), z.number().int().min(0).max(5)])
    .nullable()
    .optional(),
  top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullable().optional() }).nullable().optional(),
  // Cortex reads all three output limits on every route (the budget's reservation).
  max_tokens: positiveInteger,
  max_completion_tokens: positiveInteger,
  max_output_tokens: positiveInteger,
};

const contentSchema = z
  .union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() }))])
  .nullable();

const chatMessageSchema = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool"]),
  content: contentSchema.optional(),
  name: z.string().optional(),
  tool_calls: z
    .array(
      z.looseObject({
        id: z.string(),
        function: z.looseObject({ name: z.string().min(1), arguments: z.string().optional() }),
      }),
    )
    .optional(),
  tool_call_id: z.string().optional(),
});

const chatResponseFormatSchema = z.looseObject({
  type: z.enum(["text", "json_object", "json_schema"]),
  json_schema: z.looseObject({ schema: jsonSchemaObjectSchema.optional() }).optional(),
});

const chatRequestSchema = z.looseObject({
  ...samplingFields,
  messages: z
    .array(chatMessageSchema)
    .min(1, "expected at least one message")
    .max(maxMessages, `expected at most ${maxMessages} messages`),
  response_format: chatResponseFormatSchema.nullable().optional(),
  tools: z
    .array(
      z.looseObject({
        type: z.literal("function"),
        function: z.looseObject({ name: z.string().min(1), parameters: jsonSchemaObjectSchema.optional() }),
      }),
    )
    .nullable()
    .optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
});

const completionRequestSchema = z.looseObject({
  ...samplingFields,
  prompt: completionPromptSchema,
  echo: z.boolean().nullable().optional(),
  suffix: z.string().nullable().optional(),
  best_of: positiveInteger,
  response_format: chatResponseFormatSchema.nullable().optional(),
});

const responsesRequestSchema = z.looseObject({
  ...samplingFields,
  input: z.union([
    z.string(),
    z
      .array(z.looseObject({ type: z.string().optional() }))
      .min(1, "expected at least one input item")
      .max(maxMessages, `expected at most ${maxMessages} input items`),
  ]),
  instructions: z.string().nullable().optional(),
  // `message.output_text.logprobs` here asks for logprobs (with top_logprobs alternatives).
  include: z.array(z.string()).max(16).nullable().optional(),
  previous_response_id: z.string().nullable().optional(),
  text: z
    .looseObject({
      format: z
        .looseObject({
          type: z.enum(["text", "json_object", "json_schema"]),
          schema: jsonSchemaObjectSchema.optional(),
        })
        .optional(),
    })
    .nullable()
    .optional(),
  tools: z
    .array(z.looseObject({ type: z.string(), parameters: jsonSchemaObjectSchema.nullable().optional() }))
    .nullable()
    .optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
});

/** llama.cpp's `/infill` (fill-in-the-middle for editors), with the neuron's fields and ranges. */
const infillRequestSchema = z.looseObject({
  ...samplingFields,
  input_prefix: z.string().nullable().optional(),
  input_suffix: z.string().nullable().optional(),
  input_extra: z
    .array(z.looseObject({ filename: z.string().nullable().optional(), text: z.string() }))
    .max(1024)
    .nullable()
    .optional(),
  prompt: z.string().nullable().optional(),
  n_predict: z.number().int().min(-1).nullable().optional(),
});

/** The schema each inference route's body is checked against at cortex (`/v1/tokenize` is internal). */
export const openAiRequestSchemas: Readonly<Record<Exclude<UpstreamRoute, "/v1/tokenize">, z.ZodType>> = {
  "/v1/chat/completions": chatRequestSchema,
  "/v1/completions": completionRequestSchema,
  "/v1/responses": responsesRequestSchema,
  "/infill": infillRequestSchema,
};

type Route = Exclude<UpstreamRoute, "/v1/tokenize">;
type FieldCheck = (value: unknown) => boolean;

const isNumber = (value: unknown): value is number => typeof value === "number";
const inRange =
  (min: number, max: number): FieldCheck =>
  (value) =>
    value === null || (isNumber(value) && value >= min && value <= max);
const integerIn =
  (min: number, max: number): FieldCheck =>
  (value) =>
    value === null || (Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max);
const positive: FieldCheck = (value) => value === null || (isNumber(value) && value > 0);
const positiveWhole: FieldCheck = (value) =>
  value === null || (Number.isSafeInteger(value) && (value as number) > 0);
const text: FieldCheck = (value) => typeof value === "string";
const nullableText: FieldCheck = (value) => value === null || typeof value === "string";
const flag: FieldCheck = (value) => value === null || typeof value === "boolean";
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The sampling fields every route takes, in their common spellings only (others go to the schema). */
const samplingChecks: Record<string, FieldCheck> = {
  model: (value) => typeof value === "string" && value.length > 0,
  temperature: inRange(0, 2),
  top_p: inRange(0, 1),
  top_k: integerIn(0, 2_147_483_647),
  min_p: inRange(0, 1),
  seed: integerIn(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  presence_penalty: inRange(-2, 2),
  frequency_penalty: inRange(-2, 2),
  repeat_penalty: positive,
  repetition_penalty: positive,
  stop: (value) =>
    value === null ||
    typeof value === "string" ||
    (Array.isArray(value) && value.length <= 16 && value.every((item) => typeof item === "string")),
  n: integerIn(1, 128),
  logprobs: (value) => value === null || typeof value === "boolean" || integerIn(0, 5)(value),
  top_logprobs: integerIn(0, 20),
  stream: flag,
  stream_options: (value) =>
    value === null ||
    (isRecord(value) &&
      Object.keys(value).every((key) => key === "include_usage") &&
      flag(value.include_usage ?? null)),
  max_tokens: positiveWhole,
  max_completion_tokens: positiveWhole,
  max_output_tokens: positiveWhole,
};

const roles: ReadonlySet<unknown> = new Set(["system", "developer", "user", "assistant", "tool"]);

/** A chat message with a role and plain-text content (parts, tool calls: the schema decides). */
const plainMessage = (value: unknown): boolean => {
  if (!isRecord(value) || !roles.has(value.role)) return false;
  for (const key in value) {
    const field = value[key];
    if (key === "role") continue;
    if (key === "content") {
      if (field !== null && typeof field !== "string") return false;
    } else if (key === "name" || key === "tool_call_id") {
      if (typeof field !== "string") return false;
    } else return false;
  }
  return true;
};

// Maps, not object literals: a body's key (`__proto__`, `toString`) must never find an inherited member.
const checksOf = (fields: Record<string, FieldCheck>) =>
  new Map(Object.entries({ ...samplingChecks, ...fields }));

const routeChecks: Record<Route, ReadonlyMap<string, FieldCheck>> = {
  "/v1/chat/completions": checksOf({
    messages: (value) =>
      Array.isArray(value) && value.length >= 1 && value.length <= maxMessages && value.every(plainMessage),
    parallel_tool_calls: flag,
  }),
  "/v1/completions": checksOf({ prompt: text, echo: flag, suffix: nullableText, best_of: positiveWhole }),
  "/v1/responses": checksOf({
    input: text,
    instructions: nullableText,
    previous_response_id: nullableText,
    parallel_tool_calls: flag,
  }),
  "/infill": checksOf({
    input_prefix: nullableText,
    input_suffix: nullableText,
    prompt: nullableText,
    n_predict: integerIn(-1, Number.MAX_SAFE_INTEGER),
  }),
};

/** The fields each route's schema knows: one of these the checks above do not cover sends the body to it. */
const fieldsOf = (route: Route): ReadonlySet<string> =>
  new Set(Object.keys((openAiRequestSchemas[route] as unknown as { shape: Record<string, unknown> }).shape));
const knownFields: Record<Route, ReadonlySet<string>> = {
  "/v1/chat/completions": fieldsOf("/v1/chat/completions"),
  "/v1/completions": fieldsOf("/v1/completions"),
  "/v1/responses": fieldsOf("/v1/responses"),
  "/infill": fieldsOf("/infill"),
};

/**
 * Whether `body` is certainly valid for `route`'s schema, judged by plain checks of its common shape (text
 * messages, prompt or input; sampling numbers in range; unknown fields). True means the schema would accept
 * it too; false means only "look closer": the schema then decides, and words any refusal. It accepts a
 * subset of what the schema accepts, never more, so a refusal and its message are the schema's alone.
 */
export function acceptsAtAGlance(route: Route, body: Record<string, unknown>): boolean {
  const checks = routeChecks[route];
  const known = knownFields[route];
  for (const key in body) {
    const check = checks.get(key);
    if (check !== undefined) {
      if (!check(body[key])) return false;
    } else if (known.has(key)) return false;
  }
  // A field the schema requires must be there (an absent optional one is fine).
  if (route === "/v1/chat/completions") return body.messages !== undefined && body.model !== undefined;
  if (route === "/v1/completions") return body.prompt !== undefined && body.model !== undefined;
  if (route === "/v1/responses") return body.input !== undefined && body.model !== undefined;
  return body.model !== undefined;
}
