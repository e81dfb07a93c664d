import type { SseSink } from "../http/sse-response.js";
import type { GenerationEvent, GenerationUsage } from "../ipc/generation-event.js";
import type { ReplyMeta } from "./chat-completion-response.js";
import type { CollectedGeneration } from "./collect-generation.js";
import { endOpenAiStream, failOpenAiStream } from "./end-openai-stream.js";
import { mergeChoiceEvents } from "./merge-choice-events.js";
import { toCompletionLogprobs } from "./openai-logprobs.js";
import { toOpenAiUsage } from "./openai-usage.js";
import { sumUsage } from "./sum-usage.js";

/**
 * How a completion's choices carry logprobs: not at all (null), or with each token's `text_offset`
 * counted from `offsets[index]` (the length of choice `index`'s prompt).
 */
export type CompletionLogprobsOptions = { offsets: readonly number[] } | null;

/** The `text_completion` object for finished generations, one choice each, usage summed over them. */
export function buildTextCompletion(
  results: CollectedGeneration | readonly CollectedGeneration[],
  meta: ReplyMeta,
  logprobs: CompletionLogprobsOptions = null,
  choicesPerPrompt?: number,
) {
  const all = Array.isArray(results) ? results : [results as CollectedGeneration];
  return {
    id: meta.id,
    object: "text_completion" as const,
    created: meta.created,
    model: meta.model,
    choices: all.map((result, index) => ({
      text: result.content,
      index,
      logprobs:
        logprobs === null ? null : toCompletionLogprobs(result.logprobs, logprobs.offsets[index] ?? 0),
      finish_reason: result.finishReason === "abort" ? "stop" : result.finishReason,
      stop_reason: result.stopSequence,
    })),
    usage: toOpenAiUsage(
      sumUsage(
        all.map((result) => result.usage),
        choicesPerPrompt,
      ) ?? (all[0] as CollectedGeneration).usage,
    ),
  };
}

/**
 * Completion streaming: text chunks, a finish chunk, the usage chunk when asked, then `[DONE]`. Unlike chat
 * chunks (whose schema has `usage` nullable, null until the last), completion chunks leave `usage` out
 * until the usage chunk: OpenAI's `CreateCompletionResponse` has it as an object, never null. Several
 * generations (choices) interleave, each chunk naming its `index`; the usage chunk (summed) follows the
 * last finish chunk; a completions batch lists `choicesPerPrompt` choices of each prompt in turn. With logprobs, each text chunk carries its tokens', offsets continuing across chunks.
 */
export async function streamTextCompletion(
  sink: SseSink,
  events: AsyncIterable<GenerationEvent> | ReadonlyArray<AsyncIterable<GenerationEvent>>,
  meta: ReplyMeta,
  includeUsage: boolean,
  signal: AbortSignal,
  logprobs: CompletionLogprobsOptions = null,
  choicesPerPrompt?: number,
): Promise<void> {
  const streams = Array.isArray(events) ? events : [events as AsyncIterable<GenerationEvent>];
  const offsets = streams.map((_, index) => logprobs?.offsets[index] ?? 0);
  const chunk = (
    index: number,
    text: string,
    finishReason: string | null = null,
    stopReason?: string | null,
    chunkLogprobs: unknown = null,
  ) => ({
    id: meta.id,
    object: "text_completion",
    created: meta.created,
    model: meta.model,
    choices: [
      {
        text,
        index,
        logprobs: chunkLogprobs,
        finish_reason: finishReason,
        ...(stopReason === undefined ? {} : { stop_reason: stopReason }),
      },
    ],
  });
  const usages: Array<GenerationUsage | undefined> = Array(streams.length);
  let finished = 0;
  for await (const { index, event } of mergeChoiceEvents(streams)) {
    if (signal.aborted) return;
    if (event.type === "delta" && event.content !== undefined) {
      if (logprobs === null) sink.data(chunk(index, event.content));
      else {
        const entries = event.logprobs ?? [];
        const offset = offsets[index] ?? 0;
        offsets[index] = offset + entries.reduce((sum, entry) => sum + entry.token.length, 0);
        sink.data(chunk(index, event.content, null, undefined, toCompletionLogprobs(entries, offset)));
      }
    } else if (event.type === "done") {
      if (event.finishReason === "abort") return;
      const finish = chunk(index, "", event.finishReason, event.stopSequence ?? null);
      usages[index] = event.usage;
      finished += 1;
      if (finished < streams.length) sink.data(finish);
      else {
        endOpenAiStream(sink, finish, includeUsage ? sumUsage(usages, choicesPerPrompt) : null);
        return;
      }
    } else if (event.type === "error") {
      failOpenAiStream(sink, event.message, event.usage);
      return;
    }
  }
  if (!signal.aborted) failOpenAiStream(sink, "generation ended without a result");
}
