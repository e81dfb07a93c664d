import { z } from "zod";

// What cortex reads back from a neuron's chat completion. Loose on purpose: only the fields the
// Anthropic translation needs are checked, anything else a server adds is ignored.

export const openAiUsageSchema = z.looseObject({
  prompt_tokens: z.number().int().min(0).optional(),
  completion_tokens: z.number().int().min(0).optional(),
  prompt_tokens_details: z.looseObject({ cached_tokens: z.number().int().min(0).nullish() }).nullish(),
});
export type OpenAiUsage = z.infer<typeof openAiUsageSchema>;

const reasoningFields = {
  /** The neuron's (and DeepSeek/vLLM's) name for reasoning text. */
  reasoning_content: z.string().nullish(),
  /** The name some other OpenAI-compatible servers use. */
  reasoning: z.string().nullish(),
};

/**
 * The stop string that ended generation, where a server says: vLLM puts it in `stop_reason`, SGLang in
 * `matched_stop`. A number there is a stop token id, which is not a stop sequence.
 */
const matchedStopFields = {
  stop_reason: z.union([z.string(), z.number()]).nullish(),
  matched_stop: z.union([z.string(), z.number()]).nullish(),
};

export const openAiToolCallSchema = z.looseObject({
  id: z.string().nullish(),
  type: z.string().nullish(),
  function: z.looseObject({
    name: z.string(),
    // Some servers send the arguments as an object instead of a JSON string.
    arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
  }),
});

export const openAiChatCompletionSchema = z.looseObject({
  id: z.string().optional(),
  model: z.string().optional(),
  choices: z
    .array(
      z.looseObject({
        message: z.looseObject({
          content: z
            .union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() }))])
            .nullish(),
          ...reasoningFields,
          tool_calls: z.array(openAiToolCallSchema).nullish(),
        }),
        finish_reason: z.string().nullish(),
        ...matchedStopFields,
      }),
    )
    .min(1),
  usage: openAiUsageSchema.nullish(),
});
export type OpenAiChatCompletion = z.infer<typeof openAiChatCompletionSchema>;

export const openAiToolCallDeltaSchema = z.looseObject({
  index: z.number().int().min(0).optional(),
  id: z.string().nullish(),
  function: z.looseObject({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});
export type OpenAiToolCallDelta = z.infer<typeof openAiToolCallDeltaSchema>;

export const openAiChatChunkSchema = z.looseObject({
  id: z.string().optional(),
  model: z.string().optional(),
  choices: z
    .array(
      z.looseObject({
        index: z.number().int().optional(),
        delta: z
          .looseObject({
            content: z.string().nullish(),
            ...reasoningFields,
            tool_calls: z.array(openAiToolCallDeltaSchema).nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
        ...matchedStopFields,
      }),
    )
    .optional(),
  usage: openAiUsageSchema.nullish(),
});
export type OpenAiChatChunk = z.infer<typeof openAiChatChunkSchema>;
