import { jsonSchemaObjectSchema, logitBiasSchema, maxMessages, samplingRangeFields } from "@helexa/core";
import { z } from "zod";
import type { UpstreamRoute } from "../../dispatch/dispatch.js";

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

const tokenIds = z.array(z.number().int().nonnegative()).min(1, "expected at least one token id");

const completionRequestSchema = z.looseObject({
  ...samplingFields,
  // A string, token ids, or a batch of either (one choice per prompt), as OpenAI takes it.
  prompt: z.union([
    z.string(),
    tokenIds,
    z.array(z.string()).min(1, "expected at least one prompt"),
    z.array(tokenIds).min(1, "expected at least one prompt"),
  ]),
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
