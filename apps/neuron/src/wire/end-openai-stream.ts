import type { SseSink } from "../http/sse-response.js";
import type { GenerationUsage } from "../ipc/generation-event.js";
import { toOpenAiUsage } from "./openai-usage.js";

/**
 * The end of a finished OpenAI stream (chat or text completion): the finish chunk, the usage chunk when the
 * client asked for it (`stream_options.include_usage`: the same envelope with no choices), then `[DONE]`.
 */
export function endOpenAiStream(
  sink: SseSink,
  finish: Record<string, unknown>,
  usage: GenerationUsage | null,
): void {
  sink.data(finish);
  if (usage !== null) {
    const { usage: _null, ...base } = finish;
    sink.data({ ...base, choices: [], usage: toOpenAiUsage(usage) });
  }
  sink.data("[DONE]");
}

/**
 * A stream that cannot finish: an OpenAI error object as its last frame, then `[DONE]`. With `usage`
 * (what the generation made before it broke off, which is what the request is charged) the frame carries
 * it beside the error: `{"error":{…},"usage":{prompt_tokens,completion_tokens,total_tokens}}`.
 */
export function failOpenAiStream(sink: SseSink, message: string, usage?: GenerationUsage): void {
  const error = { message, type: "api_error", code: "generation_failed", param: null };
  sink.data(usage === undefined ? { error } : { error, usage: toOpenAiUsage(usage) });
  sink.data("[DONE]");
}
