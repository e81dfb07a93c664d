// The Anthropic streaming events cortex emits (outputs, so plain types). Each goes on the wire as
// `event: <type>\ndata: <json>\n\n`, the event name repeating the payload's `type`.

import type { AnthropicResponseBlock, AnthropicStopReason } from "./anthropic-response.js";

export type AnthropicStreamErrorType = "api_error" | "overloaded_error";

export type AnthropicStreamDelta =
  | { type: "text_delta"; text: string }
  | { type: "thinking_delta"; thinking: string }
  | { type: "input_json_delta"; partial_json: string };

export type AnthropicStreamEvent =
  | {
      type: "message_start";
      message: {
        id: string;
        type: "message";
        role: "assistant";
        model: string;
        content: [];
        stop_reason: null;
        stop_sequence: null;
        usage: {
          input_tokens: number;
          output_tokens: number;
          cache_creation_input_tokens: number;
          cache_read_input_tokens: number;
        };
      };
    }
  | { type: "content_block_start"; index: number; content_block: AnthropicResponseBlock }
  | { type: "content_block_delta"; index: number; delta: AnthropicStreamDelta }
  | { type: "content_block_stop"; index: number }
  | {
      type: "message_delta";
      delta: { stop_reason: AnthropicStopReason; stop_sequence: string | null };
      usage: { output_tokens: number; input_tokens?: number; cache_read_input_tokens?: number };
    }
  | { type: "message_stop" }
  | { type: "ping" }
  | { type: "error"; error: { type: AnthropicStreamErrorType; message: string } };
