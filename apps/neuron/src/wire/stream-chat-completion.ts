import type { SseSink } from "../http/sse-response.js";
import type { GenerationEvent } from "../ipc/generation-event.js";
import type { ReplyMeta } from "./chat-completion-response.js";
import { endOpenAiStream, failOpenAiStream } from "./end-openai-stream.js";

/**
 * OpenAI chat streaming: role chunk, content / reasoning_content / tool_calls deltas, a finish chunk,
 * the usage chunk when `include_usage`, then `[DONE]`. A failure mid-stream ends with an error object
 * and `[DONE]`; a client that left gets nothing more.
 */
export async function streamChatCompletion(
  sink: SseSink,
  events: AsyncIterable<GenerationEvent>,
  meta: ReplyMeta,
  includeUsage: boolean,
  signal: AbortSignal,
): Promise<void> {
  const chunk = (
    delta: Record<string, unknown>,
    finishReason: string | null = null,
    stopReason?: string | null,
  ) => ({
    id: meta.id,
    object: "chat.completion.chunk",
    created: meta.created,
    model: meta.model,
    choices: [
      {
        index: 0,
        delta,
        logprobs: null,
        finish_reason: finishReason,
        ...(stopReason === undefined ? {} : { stop_reason: stopReason }),
      },
    ],
    ...(includeUsage ? { usage: null } : {}),
  });
  sink.data(chunk({ role: "assistant", content: "" }));
  for await (const event of events) {
    if (signal.aborted) return;
    if (event.type === "delta") {
      if (event.reasoning !== undefined) sink.data(chunk({ reasoning_content: event.reasoning }));
      if (event.content !== undefined) sink.data(chunk({ content: event.content }));
    } else if (event.type === "tool_call") {
      const call = {
        index: event.index,
        id: event.id,
        type: "function",
        function: { name: event.name, arguments: event.arguments },
      };
      sink.data(chunk({ tool_calls: [call] }));
    } else if (event.type === "done") {
      if (event.finishReason === "abort") return;
      endOpenAiStream(
        sink,
        chunk({}, event.finishReason, event.stopSequence ?? null),
        includeUsage ? event.usage : null,
      );
      return;
    } else {
      failOpenAiStream(sink, event.message);
      return;
    }
  }
  if (!signal.aborted) failOpenAiStream(sink, "generation ended without a result");
}
