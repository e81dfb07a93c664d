import type { LlamaModel, Token } from "node-llama-cpp";
import type { TokenLogprob, TokenLogprobEntry } from "../ipc/generation-event.js";
import type { SampledToken } from "./token-probability-tap.js";

/** Most alternatives a token may list (OpenAI's `top_logprobs` bound). */
export const maxTopLogprobs = 20;

/**
 * A sampled token in OpenAI's logprob terms: its text, natural-log probability and UTF-8 bytes, and the
 * `topCount` most likely tokens of its distribution (the distribution after the request's sampling
 * options; node-llama-cpp gives it most likely first). A probability of 0 maps to -9999, as OpenAI does
 * for tokens it cannot score, so every value stays a finite JSON number.
 */
export function toTokenLogprobs(
  model: LlamaModel,
  samples: readonly SampledToken[],
  topCount: number,
): TokenLogprob[] {
  return samples.map((sample) => {
    const top: TokenLogprobEntry[] = [];
    for (const [token, probability] of sample.probabilities ?? []) {
      if (top.length >= Math.min(topCount, maxTopLogprobs)) break;
      top.push(entryOf(model, token, probability));
    }
    const probability = sample.probabilities?.get(sample.token) ?? sample.confidence ?? 0;
    return { ...entryOf(model, sample.token, probability), top };
  });
}

function entryOf(model: LlamaModel, token: Token, probability: number): TokenLogprobEntry {
  const text = model.detokenize([token], true);
  return {
    token: text,
    logprob: probability > 0 ? Math.min(0, Math.log(probability)) : -9999,
    bytes: [...Buffer.from(text, "utf8")],
  };
}
