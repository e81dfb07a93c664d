import type { GenerationUsage } from "../ipc/generation-event.js";

/** Chat/completions `usage`, with cached and reasoning token details. */
export function toOpenAiUsage(usage: GenerationUsage) {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}

/** Responses `usage`; `cache_write_tokens` is required by OpenAI's schema and 0 here (no cache is written ahead). */
export function toResponsesUsage(usage: GenerationUsage) {
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: usage.cachedTokens, cache_write_tokens: 0 },
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
}
