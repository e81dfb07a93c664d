import type { SseSink } from "../http/sse-response.js";
import type { GenerationEvent } from "../ipc/generation-event.js";
import type { ReplyMeta } from "./chat-completion-response.js";
import type { CollectedGeneration } from "./collect-generation.js";
import { endOpenAiStream, failOpenAiStream } from "./end-openai-stream.js";
import { toOpenAiUsage } from "./openai-usage.js";

/** The `text_completion` object for a finished generation. */
export function buildTextCompletion(result: CollectedGeneration, meta: ReplyMeta) {
  return {
    id: meta.id,
    object: "text_completion" as const,
    created: meta.created,
    model: meta.model,
    choices: [
      {
        text: result.content,
        index: 0,
        logprobs: null,
        finish_reason: result.finishReason === "abort" ? "stop" : result.finishReason,
        stop_reason: result.stopSequence,
      },
    ],
    usage: toOpenAiUsage(result.usage),
  };
}

/**
 * Completion streaming: text chunks, a finish chunk, the usage chunk when asked, then `[DONE]`. Unlike chat
 * chunks (whose schema has `usage` nullable, null until the last), completion chunks leave `usage` out
 * until the usage chunk: OpenAI's `CreateCompletionResponse` has it as an object, never null.
 */
export async function streamTextCompletion(
  sink: SseSink,
  events: AsyncIterable<GenerationEvent>,
  meta: ReplyMeta,
  includeUsage: boolean,
  signal: AbortSignal,
): Promise<void> {
  const chunk = (text: string, finishReason: string | null = null, stopReason?: string | null) => ({
    id: meta.id,
    object: "text_completion",
    created: meta.created,
    model: meta.model,
    choices: [
      {
        text,
        index: 0,
        logprobs: null,
        finish_reason: finishReason,
        ...(stopReason === undefined ? {} : { stop_reason: stopReason }),
      },
    ],
  });
  for await (const event of events) {
    if (signal.aborted) return;
    if (event.type === "delta" && event.content !== undefined) sink.data(chunk(event.content));
    else if (event.type === "done") {
      if (event.finishReason === "abort") return;
      endOpenAiStream(
        sink,
        chunk("", event.finishReason, event.stopSequence ?? null),
        includeUsage ? event.usage : null,
      );
      return;
    } else if (event.type === "error") {
      failOpenAiStream(sink, event.message);
      return;
    }
  }
  if (!signal.aborted) failOpenAiStream(sink, "generation ended without a result");
}
