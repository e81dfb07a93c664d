import type { AnthropicUsage } from "../anthropic-response.js";
import type { OpenAiUsage } from "../openai-chat-response-schema.js";

/**
 * OpenAI usage → Anthropic usage. Anthropic's `input_tokens` excludes prompt tokens read from cache
 * (`cache_read_input_tokens`), so the cached count from `prompt_tokens_details` is moved across.
 */
export function convertUsage(
  usage: OpenAiUsage | null | undefined,
  fallbackOutputTokens = 0,
): AnthropicUsage {
  const prompt = usage?.prompt_tokens ?? 0;
  const cached = Math.min(prompt, usage?.prompt_tokens_details?.cached_tokens ?? 0);
  return {
    input_tokens: prompt - cached,
    output_tokens: usage?.completion_tokens ?? fallbackOutputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
  };
}
