import { jsonSchemaObjectSchema, maxMessages } from "@helexa/core";
import { z } from "zod";
import { samplingFieldsSchema } from "./chat-completion-request.js";

const partSchema = z.looseObject({ type: z.string(), text: z.string().optional() });

const messageItemSchema = z.looseObject({
  type: z.literal("message").optional(),
  role: z.enum(["user", "assistant", "system", "developer"]),
  content: z.union([z.string(), z.array(partSchema)]),
});
const functionCallItemSchema = z.looseObject({
  type: z.literal("function_call"),
  call_id: z.string(),
  name: z.string(),
  arguments: z.string().default("{}"),
});
const functionCallOutputItemSchema = z.looseObject({
  type: z.literal("function_call_output"),
  call_id: z.string(),
  output: z.union([z.string(), z.array(partSchema)]),
});
const reasoningItemSchema = z.looseObject({ type: z.literal("reasoning") });

export const responsesInputItemSchema = z.union([
  messageItemSchema,
  functionCallItemSchema,
  functionCallOutputItemSchema,
  reasoningItemSchema,
]);
export type ResponsesInputItem = z.infer<typeof responsesInputItemSchema>;

const formatSchema = z.union([
  z.looseObject({ type: z.literal("text") }),
  z.looseObject({ type: z.literal("json_object") }),
  z.looseObject({
    type: z.literal("json_schema"),
    name: z.string().optional(),
    schema: jsonSchemaObjectSchema.optional(),
    strict: z.boolean().nullable().optional(),
  }),
]);

export const responsesFunctionToolSchema = z.looseObject({
  type: z.literal("function"),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "expected 1-64 letters, digits, '_' or '-'"),
  description: z.string().nullable().optional(),
  parameters: jsonSchemaObjectSchema.nullable().optional(),
});

/** `POST /v1/responses`; fields it does not use are accepted and ignored. */
export const responsesRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z
      .array(responsesInputItemSchema)
      .min(1, "expected at least one input item")
      .max(maxMessages, `expected at most ${maxMessages} input items`),
  ]),
  instructions: z.string().nullable().optional(),
  max_output_tokens: z.number().int().positive().nullable().optional(),
  // The sampling fields the engine reads (OpenAI's and llama.cpp's); `max_tokens` is not one here.
  temperature: samplingFieldsSchema.temperature,
  top_p: samplingFieldsSchema.top_p,
  top_k: samplingFieldsSchema.top_k,
  min_p: samplingFieldsSchema.min_p,
  seed: samplingFieldsSchema.seed,
  presence_penalty: samplingFieldsSchema.presence_penalty,
  frequency_penalty: samplingFieldsSchema.frequency_penalty,
  repeat_penalty: samplingFieldsSchema.repeat_penalty,
  repetition_penalty: samplingFieldsSchema.repetition_penalty,
  stop: samplingFieldsSchema.stop,
  n: samplingFieldsSchema.n,
  logit_bias: samplingFieldsSchema.logit_bias,
  logprobs: samplingFieldsSchema.logprobs,
  // `message.output_text.logprobs` here asks for logprobs, with `top_logprobs` alternatives per token.
  include: z.array(z.string()).max(16).nullable().optional(),
  top_logprobs: z.number().int().nullable().optional(),
  stream: z.boolean().nullable().optional(),
  previous_response_id: z.string().nullable().optional(),
  text: z.looseObject({ format: formatSchema.optional() }).nullable().optional(),
  tools: z
    .array(
      z.union([
        responsesFunctionToolSchema,
        // Built-in tools (web search and the like) pass as they are; this engine offers none of them.
        z.looseObject({ type: z.string().refine((type) => type !== "function") }),
      ]),
    )
    .nullable()
    .optional(),
  tool_choice: z
    .union([
      z.enum(["none", "auto", "required"]),
      z.looseObject({ type: z.literal("function"), name: z.string() }),
    ])
    .nullable()
    .optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
});
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
