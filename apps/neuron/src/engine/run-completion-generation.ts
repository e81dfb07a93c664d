import type { Token } from "node-llama-cpp";
import type { EngineCompletionRequest } from "../ipc/engine-request.js";
import type { GenerationEvent, TokenLogprob } from "../ipc/generation-event.js";
import { abortable, aborted } from "./abortable.js";
import { checkPromptFits } from "./check-prompt-fits.js";
import { type CompletionTokens, completionTokens } from "./completion-tokens.js";
import type { ModelRuntime } from "./load-model-runtime.js";
import { matchedStop } from "./matched-stop.js";
import { once } from "./once.js";
import { finishReasonOf, grammarForFormat } from "./run-chat-generation.js";
import { clampMaxTokens, toSamplingOptions } from "./sampling-options.js";
import { toTokenLogprobs } from "./to-token-logprobs.js";
import { tokenBiasOf } from "./token-bias-of.js";

/**
 * Runs one raw-text completion on a free sequence, streaming deltas and ending with `done` (`abort` when
 * `signal` ended it, however early). `tokens`
 * are the prompt's, when it was counted just before. With `sampling.logprobs`, each delta carries the
 * logprobs of the tokens it holds.
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
  const tokenBias = tokenBiasOf(runtime.model, request.sampling.logitBias);
  const topLogprobs = request.sampling.logprobs;
  const slot = await runtime.pool.acquire(tokens.all, request.prefixBlocks);
  if (topLogprobs !== undefined) slot.probabilities.start(topLogprobs > 0);
  try {
    const shared = slot.sequence.compareContextTokens(tokens.all).firstDifferentIndex;
    const outputBefore = slot.sequence.tokenMeter.usedOutputTokens;
    // onToken sees each released token just before onTextChunk sees its text.
    let pending: TokenLogprob[] = [];
    const takePending = () => {
      const logprobs = pending;
      pending = [];
      return topLogprobs === undefined ? {} : { logprobs };
    };
    // Tokens released and not yet counted on a delta (a delta says how many it releases).
    let unsent = 0;
    const takeUnsent = () => {
      const tokens = unsent;
      unsent = 0;
      return tokens > 0 ? { tokens } : {};
    };
    const perChunk = streamed || topLogprobs !== undefined;
    const usage = () => ({
      promptTokens: tokens.all.length,
      completionTokens: slot.sequence.tokenMeter.usedOutputTokens - outputBefore,
      cachedTokens: Math.max(0, Math.min(shared, tokens.all.length - 1)),
      reasoningTokens: 0,
    });
    const result = await abortable(signal, () =>
      slot.completion.generateCompletionWithMeta(tokens.body, {
        ...toSamplingOptions(request.sampling, maxTokens),
        ...(grammar ? { grammar } : {}),
        ...(tokenBias === undefined ? {} : { tokenBias }),
        signal,
        stopOnAbortSignal: true,
        disableContextShift: true,
        contextShiftSize: 1,
        // Whole answers take the result's text (see runChatGeneration); an empty delta marks the first token.
        ...(perChunk
          ? {
              onToken: (released: Token[]) => {
                unsent += released.length;
                if (topLogprobs !== undefined)
                  pending.push(
                    ...toTokenLogprobs(runtime.model, slot.probabilities.take(released), topLogprobs),
                  );
              },
              onTextChunk: (text: string) => {
                if (text !== "") emit({ type: "delta", content: text, ...takePending(), ...takeUnsent() });
              },
            }
          : { onToken: once(() => emit({ type: "delta", content: "" })) }),
      }),
    );
    if (result === aborted) {
      emit({ type: "done", finishReason: "abort", usage: usage() });
      return;
    }
    if (!perChunk && result.response !== "") emit({ type: "delta", content: result.response });
    else if (pending.length > 0) emit({ type: "delta", content: "", ...takePending() });
    const stopSequence = matchedStop(result.metadata, request.sampling.stop);
    emit({
      type: "done",
      finishReason: finishReasonOf(result.metadata.stopReason),
      ...(stopSequence === undefined ? {} : { stopSequence }),
      usage: usage(),
    });
  } finally {
    slot.probabilities.stop();
    runtime.pool.release(slot);
  }
}
