import type { SseSink } from "../http/sse-response.js";
import type { GenerationEvent, GenerationUsage } from "../ipc/generation-event.js";
import type { CollectedGeneration } from "./collect-generation.js";
import { toOpenAiUsage } from "./openai-usage.js";

/** llama.cpp's `stop_type`: the model ended (`eos`), `n_predict` ran out (`limit`), or a stop string matched. */
function stopType(finishReason: string, stopSequence: string | null): "eos" | "limit" | "word" {
  if (finishReason === "length") return "limit";
  return stopSequence === null ? "eos" : "word";
}

/**
 * The fields llama.cpp's server ends an `/infill` reply with, plus OpenAI `usage` (which metering reads
 * on every route).
 */
function finalFields(
  model: string,
  finishReason: string,
  stopSequence: string | null,
  usage: GenerationUsage,
) {
  return {
    stop: true,
    model,
    tokens_predicted: usage.completionTokens,
    tokens_evaluated: usage.promptTokens,
    tokens_cached: usage.cachedTokens,
    truncated: false,
    stop_type: stopType(finishReason, stopSequence),
    stopping_word: stopSequence ?? "",
    usage: toOpenAiUsage(usage),
  };
}

/** A whole `/infill` reply, llama.cpp server's shape: `{index, content, tokens, stop: true, ...}`. */
export function buildInfill(result: CollectedGeneration, model: string) {
  return {
    index: 0,
    content: result.content,
    tokens: [],
    has_new_line: result.content.includes("\n"),
    ...finalFields(model, result.finishReason, result.stopSequence, result.usage),
  };
}

/**
 * An `/infill` stream as llama.cpp's server sends it: `{index, content, tokens, stop: false}` per piece of
 * text, then one `stop: true` object with the counts; no `[DONE]`. A failure midway ends with an error object.
 */
export async function streamInfill(
  sink: SseSink,
  events: AsyncIterable<GenerationEvent>,
  model: string,
  signal: AbortSignal,
): Promise<void> {
  for await (const event of events) {
    if (signal.aborted) return;
    if (event.type === "delta" && event.content !== undefined && event.content !== "") {
      sink.data({ index: 0, content: event.content, tokens: [], stop: false });
    } else if (event.type === "done") {
      if (event.finishReason === "abort") return;
      sink.data({
        index: 0,
        content: "",
        tokens: [],
        ...finalFields(model, event.finishReason, event.stopSequence ?? null, event.usage),
      });
      return;
    } else if (event.type === "error") {
      sink.data({
        error: { message: event.message, type: "api_error", code: "generation_failed", param: null },
      });
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
  }
}
