import type { EngineCompletionRequest } from "../ipc/engine-request.js";
import type { GenerationEvent } from "../ipc/generation-event.js";
import { checkPromptFits } from "./check-prompt-fits.js";
import { type CompletionTokens, completionTokens } from "./completion-tokens.js";
import type { ModelRuntime } from "./load-model-runtime.js";
import { matchedStop } from "./matched-stop.js";
import { once } from "./once.js";
import { finishReasonOf, grammarForFormat } from "./run-chat-generation.js";
import { clampMaxTokens, toSamplingOptions } from "./sampling-options.js";

/**
 * Runs one raw-text completion on a free sequence, streaming deltas and ending with `done`. `tokens`
 * are the prompt's, when it was counted just before.
 */
export async function runCompletionGeneration(
  runtime: ModelRuntime,
  request: EngineCompletionRequest,
  emit: (event: GenerationEvent) => void,
  signal: AbortSignal,
  tokens: CompletionTokens = completionTokens(runtime.model, request),
  streamed = true,
): Promise<void> {
  const contextSize = runtime.context.contextSize;
  checkPromptFits(tokens.all.length, contextSize, "prompt");
  const grammar = await grammarForFormat(runtime, request.responseFormat);
  const room = contextSize - tokens.all.length - 1;
  const maxTokens = clampMaxTokens(request.sampling.maxTokens, runtime.spec.maxOutputTokens, room);
  const slot = await runtime.pool.acquire(tokens.all);
  try {
    const shared = slot.sequence.compareContextTokens(tokens.all).firstDifferentIndex;
    const outputBefore = slot.sequence.tokenMeter.usedOutputTokens;
    const result = await slot.completion.generateCompletionWithMeta(tokens.body, {
      ...toSamplingOptions(request.sampling, maxTokens),
      ...(grammar ? { grammar } : {}),
      signal,
      stopOnAbortSignal: true,
      disableContextShift: true,
      contextShiftSize: 1,
      // Whole answers take the result's text (see runChatGeneration); an empty delta marks the first token.
      ...(streamed
        ? {
            onTextChunk: (text: string) => {
              if (text !== "") emit({ type: "delta", content: text });
            },
          }
        : { onToken: once(() => emit({ type: "delta", content: "" })) }),
    });
    if (!streamed && result.response !== "") emit({ type: "delta", content: result.response });
    const stopSequence = matchedStop(result.metadata, request.sampling.stop);
    emit({
      type: "done",
      finishReason: finishReasonOf(result.metadata.stopReason),
      ...(stopSequence === undefined ? {} : { stopSequence }),
      usage: {
        promptTokens: tokens.all.length,
        completionTokens: slot.sequence.tokenMeter.usedOutputTokens - outputBefore,
        cachedTokens: Math.max(0, Math.min(shared, tokens.all.length - 1)),
        reasoningTokens: 0,
      },
    });
  } finally {
    runtime.pool.release(slot);
  }
}
