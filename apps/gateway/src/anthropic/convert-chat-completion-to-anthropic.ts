import { upstreamError } from "@helexa/core";
import type { AnthropicResponseBlock, AnthropicResponseMessage } from "./anthropic-response.js";
import { messageId, toolUseId } from "./internal/anthropic-ids.js";
import { convertUsage } from "./internal/convert-usage.js";
import { mapStopReason } from "./internal/map-stop-reason.js";
import { parseToolInput } from "./internal/parse-tool-input.js";
import { openAiChatCompletionSchema } from "./openai-chat-response-schema.js";

export interface ConvertChatCompletionOptions {
  /** The model to report: the one the client asked for (an alias stays the alias), as `message_start` does. */
  model: string;
  /** The request's `stop_sequences`, to recognise which one ended the reply. */
  stopSequences?: readonly string[];
}

/**
 * Translates a neuron's (OpenAI) chat completion into an Anthropic message: reasoning → a `thinking`
 * block, text → a `text` block, each tool call → a `tool_use` block with its arguments parsed into
 * `input`; `finish_reason` → `stop_reason`; usage with cached prompt tokens as `cache_read_input_tokens`.
 * Only the first choice is used (Anthropic has no `n`). Throws a 502 `HelexaError`
 * (`upstream_malformed_response`) when the reply is not a chat completion.
 */
export function convertChatCompletionToAnthropic(
  json: unknown,
  options: ConvertChatCompletionOptions,
): AnthropicResponseMessage {
  const parsed = openAiChatCompletionSchema.safeParse(json);
  if (!parsed.success) {
    throw upstreamError("malformed upstream response", "upstream_malformed_response", parsed.error);
  }
  const completion = parsed.data;
  const choice = completion.choices[0]!;
  const message = choice.message;
  const content: AnthropicResponseBlock[] = [];
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (reasoning) content.push({ type: "thinking", thinking: reasoning, signature: "" });
  const text =
    typeof message.content === "string"
      ? message.content
      : (message.content ?? []).map((part) => (part.type === "text" ? (part.text ?? "") : "")).join("");
  if (text !== "") content.push({ type: "text", text });
  for (const call of message.tool_calls ?? []) {
    content.push({
      type: "tool_use",
      id: toolUseId(call.id),
      name: call.function.name,
      input: parseToolInput(call.function.arguments),
    });
  }
  const stop = mapStopReason({
    finishReason: choice.finish_reason,
    matchedStop: choice.stop_reason ?? choice.matched_stop,
    stopSequences: options.stopSequences ?? [],
    hasToolUse: content.some((block) => block.type === "tool_use"),
  });
  return {
    id: messageId(completion.id),
    type: "message",
    role: "assistant",
    model: options.model,
    content,
    ...stop,
    usage: convertUsage(completion.usage),
  };
}
