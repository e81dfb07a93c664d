import { type AnthropicMessagesRequest, anthropicMessagesRequestSchema } from "./anthropic-request-schema.js";
import { convertAnthropicMessages } from "./internal/convert-anthropic-messages.js";
import { convertAnthropicTools } from "./internal/convert-anthropic-tools.js";
import { invalidRequestFromZod } from "./internal/invalid-request-from-zod.js";
import type { OpenAiChatRequest } from "./openai-chat-request.js";

/**
 * Validates a `POST /v1/messages` body. Throws a 400 `HelexaError` (`invalid_request_error`) whose `param`
 * is the dotted path of the first problem (`messages.0.content.1.tool_use_id`); render it with
 * `renderAnthropicError`.
 */
export function parseAnthropicMessagesRequest(body: unknown): AnthropicMessagesRequest {
  const parsed = anthropicMessagesRequestSchema.safeParse(body);
  if (!parsed.success) throw invalidRequestFromZod(parsed.error, body);
  return parsed.data;
}

/**
 * Translates a validated Anthropic Messages request into the OpenAI chat-completions body a neuron
 * serves. Streaming requests ask for `stream_options.include_usage` so the final `message_delta` can
 * report real token counts. `thinking` maps to the `chat_template_kwargs.enable_thinking` convention that
 * reasoning chat templates read (its `budget_tokens` has no OpenAI equivalent and is not forwarded).
 * Throws a 400 `HelexaError` for combinations that validate but cannot be served (a `tool_choice` naming
 * an undefined tool, a `tool_use` block in a user turn, an image inside a `tool_result`).
 */
export function convertAnthropicRequest(request: AnthropicMessagesRequest): OpenAiChatRequest {
  const body: OpenAiChatRequest = {
    model: request.model,
    messages: convertAnthropicMessages(request.system, request.messages),
    max_tokens: request.max_tokens,
    ...convertAnthropicTools(request.tools, request.tool_choice),
  };
  if (request.stream === true) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  if (request.top_k !== undefined) body.top_k = request.top_k;
  if (request.stop_sequences !== undefined && request.stop_sequences.length > 0)
    body.stop = request.stop_sequences;
  const userId = request.metadata?.user_id;
  if (typeof userId === "string" && userId !== "") body.user = userId;
  if (request.thinking !== undefined) {
    body.chat_template_kwargs = { enable_thinking: request.thinking.type !== "disabled" };
  }
  const format = request.output_config?.format;
  if (format) {
    body.response_format = { type: "json_schema", json_schema: { name: "output", schema: format.schema } };
  }
  return body;
}
