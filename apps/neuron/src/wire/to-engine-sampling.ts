import { invalidRequest } from "@helexa/core";
import type { EngineSampling } from "../ipc/engine-request.js";

/** The fields `toEngineSampling` reads (chat completions, completions and responses all map onto them). */
export interface SamplingFields {
  temperature?: number | null;
  top_p?: number | null;
  top_k?: number | null;
  min_p?: number | null;
  seed?: number | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  repeat_penalty?: number | null;
  repetition_penalty?: number | null;
  stop?: string | string[] | null;
  n?: number | null;
  logit_bias?: Record<string, number> | null;
  logprobs?: boolean | number | null;
}

/** Default temperature when a request has none: some variety, still on topic (documented in the neuron README). */
export const defaultTemperature = 0.7;

/**
 * Maps OpenAI sampling fields; refuses (400, with `param`) what this neuron cannot honour. `topLogprobs`:
 * the alternatives per token the request asks logprobs with (each dialect reads its own fields for it),
 * undefined for none. `n` is the route's to serve (one generation per choice).
 */
export function toEngineSampling(
  fields: SamplingFields,
  maxTokens: number | undefined,
  topLogprobs?: number,
): EngineSampling {
  const stop = fields.stop == null ? [] : typeof fields.stop === "string" ? [fields.stop] : fields.stop;
  if (stop.some((entry) => entry === "")) throw invalidRequest("stop sequences must not be empty", "stop");
  const repeatPenalty = fields.repeat_penalty ?? fields.repetition_penalty;
  return {
    temperature: fields.temperature ?? defaultTemperature,
    ...(fields.top_p == null ? {} : { topP: fields.top_p }),
    ...(fields.top_k == null ? {} : { topK: fields.top_k }),
    ...(fields.min_p == null ? {} : { minP: fields.min_p }),
    ...(fields.seed == null ? {} : { seed: fields.seed }),
    ...(fields.presence_penalty == null ? {} : { presencePenalty: fields.presence_penalty }),
    ...(fields.frequency_penalty == null ? {} : { frequencyPenalty: fields.frequency_penalty }),
    ...(repeatPenalty == null ? {} : { repeatPenalty }),
    ...(maxTokens === undefined ? {} : { maxTokens }),
    ...(fields.logit_bias == null || Object.keys(fields.logit_bias).length === 0
      ? {}
      : { logitBias: fields.logit_bias }),
    ...(topLogprobs === undefined ? {} : { logprobs: topLogprobs }),
    stop,
  };
}
