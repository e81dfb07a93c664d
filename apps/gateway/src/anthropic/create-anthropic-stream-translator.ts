import type { AnthropicResponseBlock } from "./anthropic-response.js";
import type { AnthropicStreamErrorType, AnthropicStreamEvent } from "./anthropic-stream-event.js";
import { messageId } from "./internal/anthropic-ids.js";
import { convertUsage } from "./internal/convert-usage.js";
import { createToolCallBuffer } from "./internal/create-tool-call-buffer.js";
import { mapStopReason } from "./internal/map-stop-reason.js";
import { streamErrorFromChunk } from "./internal/stream-error-from-chunk.js";
import {
  type OpenAiChatChunk,
  type OpenAiToolCallDelta,
  type OpenAiUsage,
  openAiChatChunkSchema,
} from "./openai-chat-response-schema.js";

export interface AnthropicStreamTranslatorOptions {
  /** Reported in `message_start` (the model the client asked for). */
  model: string;
  /** The request's `stop_sequences`, to recognise which one ended the reply. */
  stopSequences?: readonly string[];
  /** Prompt tokens for `message_start`, when known before the first chunk; else 0 there. */
  inputTokens?: number;
}

/** Turns OpenAI chat chunks into Anthropic stream events. Every method returns the events to send, in order. */
export interface AnthropicStreamTranslator {
  /** `message_start`, once; later calls return nothing. */
  start(): AnthropicStreamEvent[];
  /** One parsed upstream SSE `data` object: a chunk, or an `{error}` object (which ends the stream). */
  push(chunk: unknown): AnthropicStreamEvent[];
  /** Closes the open block, then `message_delta` (stop reason, usage) and `message_stop`. Idempotent. */
  finish(): AnthropicStreamEvent[];
  /** An `error` event that ends the stream (nothing more is emitted afterwards). */
  fail(type: AnthropicStreamErrorType, message: string): AnthropicStreamEvent[];
  /** A keep-alive `ping` (after `message_start`), unless the stream has ended. */
  ping(): AnthropicStreamEvent[];
  /** Whether `finish` or `fail` has run. */
  readonly ended: boolean;
  /** Whether an upstream chunk carried a `finish_reason` (a stream cut before one is an error). */
  readonly sawFinishReason: boolean;
}

/**
 * A stateful OpenAI-chunk → Anthropic-event translator. Reasoning (`reasoning_content`) streams as a
 * `thinking` block and content as a `text` block, delta by delta; switching kind closes the open block and
 * opens the next, so block indexes run 0, 1, 2… in order. Tool calls are collected until they are complete
 * (the next text or the end) and then sent, one `tool_use` block each, with their whole input as one
 * `input_json_delta`: a client always gets a parseable object, as in the non-streaming reply. Usage comes
 * from the final usage chunk (requested with `stream_options.include_usage`), else a count of deltas.
 */
export function createAnthropicStreamTranslator(
  options: AnthropicStreamTranslatorOptions,
): AnthropicStreamTranslator {
  const stopSequences = options.stopSequences ?? [];
  let started = false;
  let ended = false;
  let nextIndex = 0;
  let open: { kind: "text" | "thinking"; index: number } | null = null;
  const toolCalls = createToolCallBuffer();
  let toolUseBlocks = 0;
  let finishReason: string | null | undefined;
  let matchedStop: string | number | null | undefined;
  let usage: OpenAiUsage | undefined;
  let deltaCount = 0;
  let events: AnthropicStreamEvent[] = [];

  const take = () => {
    const taken = events;
    events = [];
    return taken;
  };
  const ensureStarted = () => {
    if (started) return;
    started = true;
    events.push({
      type: "message_start",
      message: {
        id: messageId(undefined),
        type: "message",
        role: "assistant",
        model: options.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: options.inputTokens ?? 0,
          output_tokens: 0,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
      },
    });
  };
  const closeOpen = () => {
    if (open === null) return;
    events.push({ type: "content_block_stop", index: open.index });
    open = null;
  };
  const flushToolCalls = () => {
    for (const call of toolCalls.drain()) {
      const index = nextIndex++;
      toolUseBlocks++;
      events.push({
        type: "content_block_start",
        index,
        content_block: { type: "tool_use", id: call.id, name: call.name, input: {} },
      });
      if (Object.keys(call.input).length > 0) {
        const delta = { type: "input_json_delta" as const, partial_json: JSON.stringify(call.input) };
        events.push({ type: "content_block_delta", index, delta });
      }
      events.push({ type: "content_block_stop", index });
    }
  };
  const streamText = (kind: "text" | "thinking", text: string) => {
    if (toolCalls.size > 0) flushToolCalls();
    if (open?.kind !== kind) {
      closeOpen();
      open = { kind, index: nextIndex++ };
      const block: AnthropicResponseBlock =
        kind === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "", signature: "" };
      events.push({ type: "content_block_start", index: open.index, content_block: block });
    }
    const delta =
      kind === "text"
        ? { type: "text_delta" as const, text }
        : { type: "thinking_delta" as const, thinking: text };
    events.push({ type: "content_block_delta", index: open.index, delta });
    deltaCount++;
  };
  const addToolCall = (entry: OpenAiToolCallDelta) => {
    closeOpen(); // the text before a tool call is complete
    toolCalls.add(entry);
    if (entry.function?.arguments) deltaCount++;
  };

  const translator: AnthropicStreamTranslator = {
    start() {
      if (!ended) ensureStarted();
      return take();
    },
    push(raw) {
      if (ended) return [];
      const failure = streamErrorFromChunk(raw);
      if (failure !== undefined) return translator.fail(failure.type, failure.message);
      const parsed = openAiChatChunkSchema.safeParse(raw);
      if (!parsed.success) return []; // a chunk we cannot read carries nothing we could translate
      ensureStarted();
      applyChunk(parsed.data);
      return take();
    },
    finish() {
      if (ended) return [];
      ensureStarted();
      closeOpen();
      flushToolCalls();
      const hasToolUse = toolUseBlocks > 0;
      const stop = mapStopReason({ finishReason, matchedStop, stopSequences, hasToolUse });
      const converted = convertUsage(usage, deltaCount);
      events.push({
        type: "message_delta",
        delta: stop,
        usage:
          usage === undefined
            ? { output_tokens: converted.output_tokens }
            : {
                output_tokens: converted.output_tokens,
                input_tokens: converted.input_tokens,
                cache_read_input_tokens: converted.cache_read_input_tokens,
              },
      });
      events.push({ type: "message_stop" });
      ended = true;
      return take();
    },
    fail(type, message) {
      if (ended) return [];
      ended = true;
      events = [];
      return [{ type: "error", error: { type, message } }];
    },
    ping() {
      if (ended) return [];
      ensureStarted();
      events.push({ type: "ping" });
      return take();
    },
    get ended() {
      return ended;
    },
    get sawFinishReason() {
      return finishReason !== undefined && finishReason !== null;
    },
  };

  function applyChunk(chunk: OpenAiChatChunk) {
    if (chunk.usage) usage = chunk.usage;
    // Anthropic has no `n`: only the first choice is translated.
    const choice = chunk.choices?.find((candidate) => (candidate.index ?? 0) === 0);
    if (choice === undefined) return;
    const delta = choice.delta;
    const reasoning = delta?.reasoning_content ?? delta?.reasoning;
    if (reasoning) streamText("thinking", reasoning);
    if (delta?.content) streamText("text", delta.content);
    for (const entry of delta?.tool_calls ?? []) addToolCall(entry);
    if (choice.finish_reason) finishReason = choice.finish_reason;
    const matched = choice.stop_reason ?? choice.matched_stop;
    if (matched !== undefined && matched !== null) matchedStop = matched;
  }

  return translator;
}
