import { invalidRequest } from "@helexa/core/errors";
import { type LlamaModel, type Token, TokenBias } from "node-llama-cpp";
import { vocabularySize } from "./vocabulary-size.js";

/**
 * OpenAI `logit_bias` as node-llama-cpp's `TokenBias`: each value is added to its token's logit, and -100
 * bans the token (OpenAI: "should result in a ban"). A token id outside the model's vocabulary is a 400
 * naming `logit_bias`. node-llama-cpp ignores biases on end-of-generation tokens (they cannot be banned).
 */
export function tokenBiasOf(
  model: LlamaModel,
  logitBias: Record<string, number> | undefined,
): TokenBias | undefined {
  if (logitBias === undefined) return undefined;
  const entries = Object.entries(logitBias);
  if (entries.length === 0) return undefined;
  const size = vocabularySize(model);
  const bias = TokenBias.for(model);
  for (const [key, value] of entries) {
    const token = Number(key);
    if (!/^\d+$/.test(key) || (size !== undefined && token >= size))
      throw invalidRequest(
        `invalid 'logit_bias': token id '${key}' is not in this model's vocabulary${size === undefined ? "" : ` (0 to ${size - 1})`}`,
        "logit_bias",
      );
    bias.set(token as Token, value <= -100 ? "never" : { logit: value });
  }
  return bias;
}
