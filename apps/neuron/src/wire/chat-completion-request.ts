import { jsonSchemaObjectSchema, logitBiasSchema, maxMessages, samplingRangeFields } from "@helexa/core";
import { z } from "zod";

const textPartSchema = z.looseObject({ type: z.literal("text"), text: z.string() });
const otherPartSchema = z.looseObject({ type: z.string() });
const contentSchema = z.union([z.string(), z.array(z.union([textPartSchema, otherPartSchema]))]).nullable();

export const toolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal("function").default("function"),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string().default("{}") }),
});

export const chatMessageSchema = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool"]),
  content: contentSchema.optional(),
  name: z.string().optional(),
  tool_calls: z.array(toolCallSchema).optional(),
  tool_call_id: z.string().optional(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const functionToolSchema = z.looseObject({
  type: z.literal("function"),
  function: z.looseObject({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "expected 1-64 letters, digits, '_' or '-'"),
    description: z.string().optional(),
    parameters: jsonSchemaObjectSchema.optional(),
  }),
});

export const toolChoiceSchema = z.union([
  z.enum(["none", "auto", "required"]),
  z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string() }) }),
]);

export const responseFormatSchema = z.union([
  z.looseObject({ type: z.literal("text") }),
  z.looseObject({ type: z.literal("json_object") }),
  z.looseObject({
    type: z.literal("json_schema"),
    json_schema: z.looseObject({
      name: z.string().optional(),
      schema: jsonSchemaObjectSchema.optional(),
      strict: z.boolean().nullable().optional(),
    }),
  }),
]);

/** Sampling fields shared by chat completions and completions (OpenAI, plus llama.cpp's extensions). */
export const samplingFieldsSchema = {
  ...samplingRangeFields,
  max_tokens: z.number().int().positive().nullable().optional(),
  n: z.number().int().positive().nullable().optional(),
  logit_bias: logitBiasSchema,
  logprobs: z.union([z.boolean(), z.number()]).nullable().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
};

/** `POST /v1/chat/completions`; unknown fields are accepted and ignored. */
export const chatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z
    .array(chatMessageSchema)
    .min(1, "expected at least one message")
    .max(maxMessages, `expected at most ${maxMessages} messages`),
  ...samplingFieldsSchema,
  max_completion_tokens: z.number().int().positive().nullable().optional(),
  top_logprobs: z.number().int().nullable().optional(),
  response_format: responseFormatSchema.nullable().optional(),
  tools: z.array(functionToolSchema).nullable().optional(),
  tool_choice: toolChoiceSchema.nullable().optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
