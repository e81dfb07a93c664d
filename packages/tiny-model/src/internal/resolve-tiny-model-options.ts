import type { TinyModelOptions } from "../tiny-model-options.js";

/** Options with every default filled in and every constraint checked. */
export type ResolvedTinyModelOptions = Required<TinyModelOptions>;

/** Fills defaults and throws a `RangeError` naming the first invalid option. */
export function resolveTinyModelOptions(options: TinyModelOptions = {}): ResolvedTinyModelOptions {
  const headCount = options.headCount ?? 4;
  const resolved: ResolvedTinyModelOptions = {
    contextLength: options.contextLength ?? 2048,
    embeddingLength: options.embeddingLength ?? 64,
    blockCount: options.blockCount ?? 2,
    feedForwardLength: options.feedForwardLength ?? 128,
    headCount,
    headCountKv: options.headCountKv ?? headCount,
    seed: options.seed ?? 42,
    fillInTheMiddle: options.fillInTheMiddle ?? true,
    weightType: options.weightType ?? "f32",
  };
  for (const key of [
    "contextLength",
    "embeddingLength",
    "blockCount",
    "feedForwardLength",
    "headCount",
    "headCountKv",
  ] as const) {
    const value = resolved[key];
    if (!Number.isInteger(value) || value < 1 || value > 0xffffffff) {
      throw new RangeError(`${key} must be a positive 32-bit integer, got ${value}`);
    }
  }
  if (!Number.isInteger(resolved.seed) || resolved.seed < 0 || resolved.seed > 0xffffffff) {
    throw new RangeError(`seed must be an integer from 0 to 4294967295, got ${resolved.seed}`);
  }
  if (resolved.weightType !== "f32" && resolved.weightType !== "f16") {
    throw new RangeError(`weightType must be "f32" or "f16", got ${String(resolved.weightType)}`);
  }
  // llama.cpp requires rope dimension == embd / heads, and rope rotates pairs of dimensions.
  const headSize = resolved.embeddingLength / resolved.headCount;
  if (!Number.isInteger(headSize) || headSize % 2 !== 0) {
    throw new RangeError(
      `embeddingLength (${resolved.embeddingLength}) / headCount (${resolved.headCount}) must be an even integer`,
    );
  }
  if (resolved.headCount % resolved.headCountKv !== 0) {
    throw new RangeError(
      `headCount (${headCount}) must be a multiple of headCountKv (${resolved.headCountKv})`,
    );
  }
  return resolved;
}
