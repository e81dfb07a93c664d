// Builders for realistic OpenAI chat-completion stream chunks, as a neuron sends them.

const base = { id: "chatcmpl-s1", object: "chat.completion.chunk", created: 1_700_000_000, model: "tiny" };

export function roleChunk() {
  return { ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] };
}

export function contentChunk(content: string) {
  return { ...base, choices: [{ index: 0, delta: { content }, finish_reason: null }] };
}

export function reasoningChunk(reasoning: string) {
  return { ...base, choices: [{ index: 0, delta: { reasoning_content: reasoning }, finish_reason: null }] };
}

export function toolCallStartChunk(index: number, id: string, name: string) {
  return {
    ...base,
    choices: [
      {
        index: 0,
        delta: { tool_calls: [{ index, id, type: "function", function: { name, arguments: "" } }] },
        finish_reason: null,
      },
    ],
  };
}

export function toolArgumentsChunk(index: number, partial: string) {
  return {
    ...base,
    choices: [
      { index: 0, delta: { tool_calls: [{ index, function: { arguments: partial } }] }, finish_reason: null },
    ],
  };
}

export function finishChunk(finishReason: string, extra: Record<string, unknown> = {}) {
  return { ...base, choices: [{ index: 0, delta: {}, finish_reason: finishReason, ...extra }] };
}

export function usageChunk(promptTokens: number, completionTokens: number, cachedTokens?: number) {
  return {
    ...base,
    choices: [],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      ...(cachedTokens === undefined ? {} : { prompt_tokens_details: { cached_tokens: cachedTokens } }),
    },
  };
}

/** Frames chunks as an upstream SSE body, ending with `[DONE]` unless told not to. */
export function sseBody(chunks: unknown[], done = true): string {
  return `${chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join("")}${done ? "data: [DONE]\n\n" : ""}`;
}
