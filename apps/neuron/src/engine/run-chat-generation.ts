import type { LlamaChatResponseChunk, LlamaGrammar, Token } from "node-llama-cpp";
import type { EngineChatRequest } from "../ipc/engine-request.js";
import type { FinishReason, GenerationEvent, TokenLogprob } from "../ipc/generation-event.js";
import { promptFieldOf } from "../ipc/prompt-field-of.js";
import { abortable, aborted } from "./abortable.js";
import { buildChatPrompt, type ChatPrompt } from "./build-chat-prompt.js";
import { callId } from "./call-id.js";
import { checkPromptFits } from "./check-prompt-fits.js";
import { emitForcedToolCall } from "./emit-forced-tool-call.js";
import type { ModelRuntime } from "./load-model-runtime.js";
import { matchedStop } from "./matched-stop.js";
import { once } from "./once.js";
import { clampMaxTokens, toSamplingOptions } from "./sampling-options.js";
import { toTokenLogprobs } from "./to-token-logprobs.js";
import { tokenBiasOf } from "./token-bias-of.js";

type Emit = (event: GenerationEvent) => void;

/**
 * Runs one chat request on a free sequence, streaming deltas and ending with `done` (or throwing); an
 * abort ends it with `done` (`abort`) and the usage so far, however early it came.
 * `prompt` is the request's already rendered prompt, when it was counted just before. With
 * `streamed: false` (nobody reads the deltas before the end) and a model without thought segments,
 * the text comes from the result in one delta instead of being decoded token by token (~1.5 % of the
 * tiny model's generation time); an empty delta still marks when the first token came. With
 * `sampling.logprobs`, each content delta carries the logprobs of the tokens it holds (thought tokens and
 * a forced tool call's get none).
 */
export async function runChatGeneration(
  runtime: ModelRuntime,
  request: EngineChatRequest,
  emit: Emit,
  signal: AbortSignal,
  prompt: ChatPrompt = buildChatPrompt(runtime.model, runtime.chatWrapper, request),
  streamed = true,
): Promise<void> {
  const contextSize = runtime.context.contextSize;
  checkPromptFits(prompt.tokens.length, contextSize, promptFieldOf(request));
  const grammar = await chooseGrammar(runtime, request, prompt.forcedToolSchema);
  const room = contextSize - prompt.tokens.length - 1;
  const maxTokens = clampMaxTokens(request.sampling.maxTokens, runtime.spec.maxOutputTokens, room);
  const tokenBias = tokenBiasOf(runtime.model, request.sampling.logitBias);
  const topLogprobs = request.sampling.logprobs;
  const slot = await runtime.pool.acquire(prompt.tokens, request.prefixBlocks);
  if (topLogprobs !== undefined) slot.probabilities.start(topLogprobs > 0);
  try {
    const shared = slot.sequence.compareContextTokens(prompt.tokens).firstDifferentIndex;
    const cachedTokens = Math.max(0, Math.min(shared, prompt.tokens.length - 1));
    const outputBefore = slot.sequence.tokenMeter.usedOutputTokens;
    let reasoningTokens = 0;
    const forced = prompt.forcedToolSchema !== undefined;
    // Logprobs of released tokens not yet sent: onToken sees tokens just before onResponseChunk does.
    let pending: TokenLogprob[] = [];
    const takePending = () => {
      if (topLogprobs === undefined) return {};
      const logprobs = pending;
      pending = [];
      return { logprobs };
    };
    // Tokens released and not yet counted on a delta (a delta says how many it releases).
    let released = 0;
    const takeReleased = () => {
      const tokens = released;
      released = 0;
      return tokens > 0 ? { tokens } : {};
    };
    const onTokenLogprobs = (tokens: Token[]) => {
      released += tokens.length;
      if (topLogprobs !== undefined)
        pending.push(...toTokenLogprobs(runtime.model, slot.probabilities.take(tokens), topLogprobs));
    };
    const onResponseChunk = (chunk: LlamaChatResponseChunk) => {
      if (chunk.type === "segment" && chunk.segmentType === "thought") {
        pending = [];
        reasoningTokens += chunk.tokens.length;
        if (chunk.text !== "") emit({ type: "delta", reasoning: chunk.text, ...takeReleased() });
      } else if (!forced && chunk.text !== "")
        emit({ type: "delta", content: chunk.text, ...takePending(), ...takeReleased() });
    };
    const sampling = toSamplingOptions(request.sampling, maxTokens);
    const perChunk = streamed || runtime.info.reasoning || topLogprobs !== undefined;
    // An empty delta marks the first token (a forced tool call has no text to mark).
    const onToken = once(() => {
      if (!forced) emit({ type: "delta", content: "" });
    });
    const common = {
      ...sampling,
      signal,
      stopOnAbortSignal: true,
      ...(tokenBias === undefined ? {} : { tokenBias }),
      ...(perChunk ? { onResponseChunk, onToken: onTokenLogprobs } : { onToken }),
    };
    const usage = () => ({
      promptTokens: prompt.tokens.length,
      completionTokens: slot.sequence.tokenMeter.usedOutputTokens - outputBefore,
      cachedTokens,
      reasoningTokens,
    });
    const result = await abortable(signal, async () =>
      prompt.functions === undefined
        ? await slot.chat.generateResponse(prompt.history, { ...common, ...(grammar ? { grammar } : {}) })
        : await slot.chat.generateResponse(prompt.history, {
            ...common,
            functions: prompt.functions,
            documentFunctionParams: true,
            ...(request.parallelToolCalls === false ? { maxParallelFunctionCalls: 1 } : {}),
          }),
    );
    if (result === aborted) {
      emit({ type: "done", finishReason: "abort", usage: usage() });
      return;
    }
    let finishReason = finishReasonOf(result.metadata.stopReason);
    if (forced) {
      const complete = emitForcedToolCall(result.response, emit, prompt.forcedToolNames);
      if (complete && finishReason === "stop") finishReason = "tool_calls";
    } else if (!perChunk && result.response !== "") emit({ type: "delta", content: result.response });
    else if (pending.length > 0) emit({ type: "delta", content: "", ...takePending() });
    for (const [index, call] of (result.functionCalls ?? []).entries()) {
      emit({
        type: "tool_call",
        index,
        id: callId(index),
        name: call.functionName,
        arguments: JSON.stringify(call.params ?? {}),
      });
    }
    if ((result.functionCalls?.length ?? 0) > 0) finishReason = "tool_calls";
    const stopSequence =
      finishReason === "stop" ? matchedStop(result.metadata, request.sampling.stop) : undefined;
    emit({
      type: "done",
      finishReason,
      ...(stopSequence === undefined ? {} : { stopSequence }),
      usage: usage(),
    });
  } finally {
    slot.probabilities.stop();
    runtime.pool.release(slot);
  }
}

async function chooseGrammar(
  runtime: ModelRuntime,
  request: EngineChatRequest,
  forcedToolSchema: Record<string, unknown> | undefined,
): Promise<LlamaGrammar | undefined> {
  if (forcedToolSchema !== undefined) return runtime.grammars.forSchema(forcedToolSchema, "tools");
  return grammarForFormat(runtime, request.responseFormat);
}

/** The grammar a `response_format` asks for, if any. */
export function grammarForFormat(
  runtime: ModelRuntime,
  format: EngineChatRequest["responseFormat"],
): Promise<LlamaGrammar | undefined> {
  if (format.type === "json_schema") return runtime.grammars.forSchema(format.schema, "response_format");
  if (format.type === "json_object") return runtime.grammars.json();
  return Promise.resolve(undefined);
}

/** node-llama-cpp's stop reasons in OpenAI terms. */
export function finishReasonOf(stopReason: string): FinishReason {
  if (stopReason === "maxTokens") return "length";
  if (stopReason === "functionCalls") return "tool_calls";
  if (stopReason === "abort") return "abort";
  return "stop";
}
