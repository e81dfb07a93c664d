import type { SseSink } from "../http/sse-response.js";
import type { GenerationEvent, GenerationUsage } from "../ipc/generation-event.js";
import type { ReplyMeta } from "./chat-completion-response.js";
import { endOpenAiStream, failOpenAiStream } from "./end-openai-stream.js";
import { mergeChoiceEvents } from "./merge-choice-events.js";
import { toChatLogprobs } from "./openai-logprobs.js";
import { sumUsage } from "./sum-usage.js";

/**
 * OpenAI chat streaming: role chunk, content / reasoning_content / tool_calls deltas, a finish chunk,
 * the usage chunk when `include_usage`, then `[DONE]`. With several generations (`n` choices), each
 * chunk names its choice's `index`: every choice gets its role chunk first, their deltas interleave as
 * they come, each ends with its finish chunk, and the usage chunk (summed) follows the last one. With
 * `withLogprobs`, content chunks carry their tokens' `logprobs`. A failure mid-stream ends with an error
 * object and `[DONE]`; a client that left gets nothing more.
 */
export async function streamChatCompletion(
  sink: SseSink,
  events: AsyncIterable<GenerationEvent> | ReadonlyArray<AsyncIterable<GenerationEvent>>,
  meta: ReplyMeta,
  includeUsage: boolean,
  signal: AbortSignal,
  withLogprobs = false,
): Promise<void> {
  const streams = Array.isArray(events) ? events : [events as AsyncIterable<GenerationEvent>];
  const chunk = (
    index: number,
    delta: Record<string, unknown>,
    finishReason: string | null = null,
    stopReason?: string | null,
    logprobs: unknown = null,
  ) => ({
    id: meta.id,
    object: "chat.completion.chunk",
    created: meta.created,
    model: meta.model,
    choices: [
      {
        index,
        delta,
        logprobs,
        finish_reason: finishReason,
        ...(stopReason === undefined ? {} : { stop_reason: stopReason }),
      },
    ],
    ...(includeUsage ? { usage: null } : {}),
  });
  for (const index of streams.keys()) sink.data(chunk(index, { role: "assistant", content: "" }));
  const usages: GenerationUsage[] = [];
  for await (const { index, event } of mergeChoiceEvents(streams)) {
    if (signal.aborted) return;
    if (event.type === "delta") {
      if (event.reasoning !== undefined) sink.data(chunk(index, { reasoning_content: event.reasoning }));
      if (event.content !== undefined) {
        const logprobs = withLogprobs ? toChatLogprobs(event.logprobs ?? []) : null;
        sink.data(chunk(index, { content: event.content }, null, undefined, logprobs));
      }
    } else if (event.type === "tool_call") {
      const call = {
        index: event.index,
        id: event.id,
        type: "function",
        function: { name: event.name, arguments: event.arguments },
      };
      sink.data(chunk(index, { tool_calls: [call] }));
    } else if (event.type === "done") {
      if (event.finishReason === "abort") return;
      const finish = chunk(index, {}, event.finishReason, event.stopSequence ?? null);
      usages.push(event.usage);
      if (usages.length < streams.length) sink.data(finish);
      else endOpenAiStream(sink, finish, includeUsage ? sumUsage(usages) : null);
      if (usages.length === streams.length) return;
    } else {
      failOpenAiStream(sink, event.message, event.usage);
      return;
    }
  }
  if (!signal.aborted) failOpenAiStream(sink, "generation ended without a result");
}
