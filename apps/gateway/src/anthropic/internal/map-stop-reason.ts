import type { AnthropicStopReason } from "../anthropic-response.js";

export interface StopInput {
  finishReason: string | null | undefined;
  /** The server's report of the stop string that matched (vLLM `stop_reason`, SGLang `matched_stop`). */
  matchedStop: string | number | null | undefined;
  stopSequences: readonly string[];
  hasToolUse: boolean;
}

/**
 * OpenAI `finish_reason` → Anthropic `stop_reason` / `stop_sequence`. `stop` becomes `stop_sequence` only
 * when the server names which of the request's stop strings matched (OpenAI itself never does), else
 * `end_turn`. A reply carrying tool calls is `tool_use` unless it was cut off by the token limit.
 */
export function mapStopReason(input: StopInput): {
  stop_reason: AnthropicStopReason;
  stop_sequence: string | null;
} {
  if (input.finishReason === "length") return { stop_reason: "max_tokens", stop_sequence: null };
  if (input.finishReason === "tool_calls" || input.finishReason === "function_call" || input.hasToolUse) {
    return { stop_reason: "tool_use", stop_sequence: null };
  }
  if (input.finishReason === "content_filter") return { stop_reason: "refusal", stop_sequence: null };
  const matched = input.matchedStop;
  if (typeof matched === "string" && input.stopSequences.includes(matched)) {
    return { stop_reason: "stop_sequence", stop_sequence: matched };
  }
  return { stop_reason: "end_turn", stop_sequence: null };
}
