import { randomInt } from "node:crypto";
import type { LLamaContextualRepeatPenalty } from "node-llama-cpp";
import type { EngineSampling } from "../ipc/engine-request.js";

/** node-llama-cpp generation options shared by `LlamaChat` and `LlamaCompletion`. */
export interface SamplingOptions {
  temperature: number;
  topP?: number;
  topK?: number;
  minP?: number;
  seed: number;
  repeatPenalty: false | LLamaContextualRepeatPenalty;
  customStopTriggers?: string[];
  maxTokens: number;
}

/**
 * Maps OpenAI sampling onto node-llama-cpp. Penalties are off unless asked for (OpenAI semantics; the
 * library's default would apply 1.1 to every request). Without a `seed` each request draws its own: the
 * library's default seed is the current second, which made identical requests in one second sample
 * identical text. `maxTokens` is already clamped by the caller.
 */
export function toSamplingOptions(sampling: EngineSampling, maxTokens: number): SamplingOptions {
  const penalized =
    sampling.presencePenalty !== undefined ||
    sampling.frequencyPenalty !== undefined ||
    sampling.repeatPenalty !== undefined;
  return {
    temperature: sampling.temperature,
    ...(sampling.topP === undefined ? {} : { topP: sampling.topP }),
    ...(sampling.topK === undefined ? {} : { topK: sampling.topK }),
    ...(sampling.minP === undefined ? {} : { minP: sampling.minP }),
    seed: sampling.seed ?? randomInt(0x1_0000_0000),
    repeatPenalty: penalized
      ? {
          penalty: sampling.repeatPenalty ?? 1,
          presencePenalty: sampling.presencePenalty ?? 0,
          frequencyPenalty: sampling.frequencyPenalty ?? 0,
        }
      : false,
    ...(sampling.stop.length === 0 ? {} : { customStopTriggers: sampling.stop }),
    maxTokens,
  };
}

/**
 * The completion budget: what was asked for (or everything left), never more than the room left in
 * the context (a prompt of P tokens in a context of C leaves C - P - 1 before llama.cpp would shift).
 */
export function clampMaxTokens(requested: number | undefined, cap: number | undefined, room: number): number {
  return Math.max(1, Math.min(requested ?? room, cap ?? room, room));
}
