import { jsonSchemaObjectSchema, maxMessages } from "@helexa/core";
import { z } from "zod";

// Blocks are loose objects: clients add fields such as `cache_control` or `citations` that a local model
// has no use for; they are accepted and ignored rather than refused.

export const anthropicTextBlockSchema = z.looseObject({ type: z.literal("text"), text: z.string() });

export const anthropicImageSourceSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("base64"), media_type: z.string().min(1), data: z.string().min(1) }),
  z.looseObject({ type: z.literal("url"), url: z.string().min(1) }),
]);

export const anthropicImageBlockSchema = z.looseObject({
  type: z.literal("image"),
  source: anthropicImageSourceSchema,
});

export const anthropicToolUseBlockSchema = z.looseObject({
  type: z.literal("tool_use"),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
});

export const anthropicToolResultBlockSchema = z.looseObject({
  type: z.literal("tool_result"),
  tool_use_id: z.string().min(1),
  content: z
    .union([
      z.string(),
      z.array(z.discriminatedUnion("type", [anthropicTextBlockSchema, anthropicImageBlockSchema])),
    ])
    .optional(),
  is_error: z.boolean().optional(),
});

/** Thinking from an earlier turn: accepted so transcripts round-trip, then dropped (a local model cannot verify it). */
export const anthropicThinkingBlockSchema = z.looseObject({
  type: z.literal("thinking"),
  thinking: z.string(),
  signature: z.string().optional(),
});

export const anthropicRedactedThinkingBlockSchema = z.looseObject({
  type: z.literal("redacted_thinking"),
  data: z.string(),
});

export const anthropicContentBlockSchema = z.discriminatedUnion("type", [
  anthropicTextBlockSchema,
  anthropicImageBlockSchema,
  anthropicToolUseBlockSchema,
  anthropicToolResultBlockSchema,
  anthropicThinkingBlockSchema,
  anthropicRedactedThinkingBlockSchema,
]);
export type AnthropicContentBlock = z.infer<typeof anthropicContentBlockSchema>;

export const anthropicMessageSchema = z.looseObject({
  // Anthropic itself allows only user/assistant; a `system` turn (sent by some clients) is merged into the
  // leading system message, so those clients work instead of getting a 400.
  role: z.enum(["user", "assistant", "system"]),
  content: z.union([z.string(), z.array(anthropicContentBlockSchema)]),
});
export type AnthropicMessage = z.infer<typeof anthropicMessageSchema>;

export const anthropicToolSchema = z.looseObject({
  // Only client tools: Anthropic's server tools (`web_search_…`, `bash_…`) have no meaning here.
  type: z
    .literal("custom", { error: "only client tools (type 'custom') are supported; server tools are not" })
    .optional(),
  // Anthropic's documented rule for tool names, which is also the neuron's for OpenAI function names: a
  // wrong one is refused here, naming `tools.N.name`, rather than by the neuron under its OpenAI path.
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "expected 1-64 letters, digits, '_' or '-'"),
  description: z.string().optional(),
  input_schema: jsonSchemaObjectSchema.optional(),
});
export type AnthropicTool = z.infer<typeof anthropicToolSchema>;

export const anthropicToolChoiceSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({
    type: z.literal("tool"),
    name: z.string().min(1),
    disable_parallel_tool_use: z.boolean().optional(),
  }),
  z.looseObject({ type: z.literal("none") }),
]);
export type AnthropicToolChoice = z.infer<typeof anthropicToolChoiceSchema>;

export const anthropicThinkingConfigSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("enabled"), budget_tokens: z.number().int().min(0) }),
  z.looseObject({ type: z.literal("adaptive") }),
  z.looseObject({ type: z.literal("disabled") }),
]);

export const anthropicOutputConfigSchema = z.looseObject({
  format: z
    .looseObject({ type: z.literal("json_schema"), schema: jsonSchemaObjectSchema })
    .nullable()
    .optional(),
});

const anthropicPromptFields = {
  model: z.string().min(1),
  messages: z.array(anthropicMessageSchema).min(1).max(maxMessages),
  system: z.union([z.string(), z.array(anthropicTextBlockSchema)]).optional(),
  tools: z.array(anthropicToolSchema).optional(),
  tool_choice: anthropicToolChoiceSchema.optional(),
  thinking: anthropicThinkingConfigSchema.optional(),
};

/** `POST /v1/messages`. Unknown top-level fields are ignored (newer clients send betas a local model lacks). */
export const anthropicMessagesRequestSchema = z.looseObject({
  ...anthropicPromptFields,
  max_tokens: z.number().int().min(1),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).max(2_147_483_647).optional(),
  metadata: z.looseObject({ user_id: z.string().nullable().optional() }).optional(),
  stream: z.boolean().optional(),
  output_config: anthropicOutputConfigSchema.optional(),
});
export type AnthropicMessagesRequest = z.infer<typeof anthropicMessagesRequestSchema>;

/** `POST /v1/messages/count_tokens`: the prompt fields of a messages request, without `max_tokens`. */
export const anthropicCountTokensRequestSchema = z.looseObject(anthropicPromptFields);
export type AnthropicCountTokensRequest = z.infer<typeof anthropicCountTokensRequestSchema>;
