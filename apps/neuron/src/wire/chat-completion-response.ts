import type { CollectedGeneration } from "./collect-generation.js";
import { toChatLogprobs } from "./openai-logprobs.js";
import { toOpenAiUsage } from "./openai-usage.js";
import { sumUsage } from "./sum-usage.js";

export interface ReplyMeta {
  id: string;
  created: number;
  model: string;
}

/**
 * The `chat.completion` object for finished generations, one choice each (`n`), usage summed over them.
 * `withLogprobs`: each choice's `logprobs` holds its content tokens (null otherwise).
 */
export function buildChatCompletion(
  results: CollectedGeneration | readonly CollectedGeneration[],
  meta: ReplyMeta,
  withLogprobs = false,
) {
  const all = Array.isArray(results) ? results : [results as CollectedGeneration];
  return {
    id: meta.id,
    object: "chat.completion" as const,
    created: meta.created,
    model: meta.model,
    choices: all.map((result, index) => chatChoice(result, index, withLogprobs)),
    usage: toOpenAiUsage(
      sumUsage(all.map((result) => result.usage)) ?? (all[0] as CollectedGeneration).usage,
    ),
  };
}

function chatChoice(result: CollectedGeneration, index: number, withLogprobs: boolean) {
  const toolCalls = result.toolCalls.map((call) => ({
    id: call.id,
    type: "function" as const,
    function: { name: call.name, arguments: call.arguments },
  }));
  return {
    index,
    message: {
      role: "assistant" as const,
      content: toolCalls.length > 0 && result.content === "" ? null : result.content,
      refusal: null,
      ...(result.reasoning === "" ? {} : { reasoning_content: result.reasoning }),
      ...(toolCalls.length === 0 ? {} : { tool_calls: toolCalls }),
    },
    logprobs: withLogprobs ? toChatLogprobs(result.logprobs) : null,
    finish_reason: result.finishReason === "abort" ? "stop" : result.finishReason,
    // vLLM's extension: the stop string that matched (null at end of generation or length).
    stop_reason: result.stopSequence,
  };
}
