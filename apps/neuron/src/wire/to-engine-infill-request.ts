import { invalidRequest, requestedOutputLimit } from "@helexa/core";
import type { EngineCompletionRequest } from "../ipc/engine-request.js";
import type { InfillRequest } from "./infill-request.js";
import { toEngineSampling } from "./to-engine-sampling.js";

/**
 * The engine request of an `/infill` body: a fill-in-the-middle completion of `input_prefix` (the worker
 * refuses it, naming `input_suffix`, on a model without FIM tokens). `n_predict` goes through core's
 * output limit (absent or -1: the room left in the context); `seed: -1` is llama.cpp's "random".
 */
export function toEngineInfillRequest(body: InfillRequest): EngineCompletionRequest {
  if ((body.n ?? 1) !== 1) throw invalidRequest("/infill generates one completion; n must be 1", "n");
  const extra = (body.input_extra ?? []).map((chunk) => chunk.text);
  return {
    kind: "completion",
    prompt: body.input_prefix ?? "",
    infill: {
      suffix: body.input_suffix ?? "",
      ...(extra.length === 0 ? {} : { extra }),
      ...(body.prompt == null || body.prompt === "" ? {} : { middle: body.prompt }),
      param: "input_suffix",
    },
    responseFormat: { type: "text" },
    sampling: toEngineSampling(
      { ...body, seed: body.seed === -1 ? null : body.seed },
      requestedOutputLimit("/infill", body),
    ),
  };
}
