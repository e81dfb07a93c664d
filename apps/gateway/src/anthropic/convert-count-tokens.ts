import { upstreamError } from "@helexa/core";
import { z } from "zod";
import {
  type AnthropicCountTokensRequest,
  anthropicCountTokensRequestSchema,
} from "./anthropic-request-schema.js";
import { convertAnthropicMessages } from "./internal/convert-anthropic-messages.js";
import { convertAnthropicTools } from "./internal/convert-anthropic-tools.js";
import { invalidRequestFromZod } from "./internal/invalid-request-from-zod.js";
import type { OpenAiChatMessage, OpenAiTool } from "./openai-chat-request.js";

/** The body of a neuron's `POST /v1/tokenize` for a chat prompt. */
export interface TokenizeRequest {
  [key: string]: unknown;
  model: string;
  messages: OpenAiChatMessage[];
  tools?: OpenAiTool[];
}

/** A neuron's tokenize reply: the count, or the token ids themselves. */
export const tokenizeReplySchema = z.looseObject({
  tokens: z.union([z.number().int().min(0), z.array(z.number())]),
});

/** Validates a `POST /v1/messages/count_tokens` body (a messages body without `max_tokens`); 400 with `param` otherwise. */
export function parseAnthropicCountTokensRequest(body: unknown): AnthropicCountTokensRequest {
  const parsed = anthropicCountTokensRequestSchema.safeParse(body);
  if (!parsed.success) throw invalidRequestFromZod(parsed.error, body);
  return parsed.data;
}

/**
 * The tokenize body for a count: the same system, messages and tools the chat request would carry, so
 * the neuron counts exactly what the chat template would render.
 */
export function convertCountTokensRequest(request: AnthropicCountTokensRequest): TokenizeRequest {
  const { tools } = convertAnthropicTools(request.tools, request.tool_choice);
  return {
    model: request.model,
    messages: convertAnthropicMessages(request.system, request.messages),
    ...(tools === undefined ? {} : { tools }),
  };
}

/** `{model, tokens}` from the neuron → Anthropic's `{input_tokens}`; 502 when the reply has no count. */
export function convertTokenizeReply(json: unknown): { input_tokens: number } {
  const parsed = tokenizeReplySchema.safeParse(json);
  if (!parsed.success) {
    throw upstreamError("malformed upstream tokenize response", "upstream_malformed_response", parsed.error);
  }
  const { tokens } = parsed.data;
  return { input_tokens: typeof tokens === "number" ? tokens : tokens.length };
}
