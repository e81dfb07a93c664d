import type { SseSink } from "../http/sse-response.js";
import type { GenerationEvent } from "../ipc/generation-event.js";
import type { ReplyMeta } from "./chat-completion-response.js";
import type { CollectedGeneration } from "./collect-generation.js";
import { toOpenAiUsage } from "./openai-usage.js";

/** The `text_completion` object for a finished generation. */
export function buildTextCompletion(result: CollectedGeneration, meta: ReplyMeta) {
  return {
    id: meta.id,
    object: "text_completion" as const,
    created: meta.created,
    model: meta.model,
    system_fingerprint: null,
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

/** Completion streaming: text chunks, a finish chunk, the usage chunk when asked, then `[DONE]`. */
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
    system_fingerprint: null,
    choices: [
      {
        text,
        index: 0,
        logprobs: null,
        finish_reason: finishReason,
        ...(stopReason === undefined ? {} : { stop_reason: stopReason }),
      },
    ],
    ...(includeUsage ? { usage: null } : {}),
  });
  for await (const event of events) {
    if (signal.aborted) return;
    if (event.type === "delta" && event.content !== undefined) sink.data(chunk(event.content));
    else if (event.type === "done") {
      if (event.finishReason === "abort") return;
      sink.data(chunk("", event.finishReason, event.stopSequence ?? null));
      if (includeUsage) {
        const { usage: _null, ...base } = chunk("");
        sink.data({ ...base, choices: [], usage: toOpenAiUsage(event.usage) });
      }
      sink.data("[DONE]");
      return;
    } else if (event.type === "error") {
      sink.data({
        error: { message: event.message, type: "api_error", code: "generation_failed", param: null },
      });
      sink.data("[DONE]");
      return;
    }
  }
  if (!signal.aborted) {
    sink.data({
      error: {
        message: "generation ended without a result",
        type: "api_error",
        code: "generation_failed",
        param: null,
      },
    });
    sink.data("[DONE]");
  }
}
