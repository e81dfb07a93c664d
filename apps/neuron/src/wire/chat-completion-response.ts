import type { CollectedGeneration } from "./collect-generation.js";
import { toOpenAiUsage } from "./openai-usage.js";

export interface ReplyMeta {
  id: string;
  created: number;
  model: string;
}

/** The `chat.completion` object for a finished generation. */
export function buildChatCompletion(result: CollectedGeneration, meta: ReplyMeta) {
  const toolCalls = result.toolCalls.map((call) => ({
    id: call.id,
    type: "function" as const,
    function: { name: call.name, arguments: call.arguments },
  }));
  return {
    id: meta.id,
    object: "chat.completion" as const,
    created: meta.created,
    model: meta.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant" as const,
          content: toolCalls.length > 0 && result.content === "" ? null : result.content,
          refusal: null,
          ...(result.reasoning === "" ? {} : { reasoning_content: result.reasoning }),
          ...(toolCalls.length === 0 ? {} : { tool_calls: toolCalls }),
        },
        logprobs: null,
        finish_reason: result.finishReason === "abort" ? "stop" : result.finishReason,
        // vLLM's extension: the stop string that matched (null at end of generation or length).
        stop_reason: result.stopSequence,
      },
    ],
    usage: toOpenAiUsage(result.usage),
  };
}
