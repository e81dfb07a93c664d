import { invalidRequest } from "@helexa/core";
import type { EngineCompletionRequest } from "../ipc/engine-request.js";
import type { CompletionRequest } from "./completion-request.js";
import { splitCompletionPrompt } from "./split-completion-prompt.js";

/**
 * The engine requests of a `/v1/completions` body, one per prompt of a batch (each its own choice, in
 * order), all with the same sampling. A non-empty `suffix` asks for fill-in-the-middle (the worker
 * refuses it, naming `suffix`, on a model without FIM tokens); `echo` puts each prompt's text before its
 * completion.
 */
export function toEngineCompletionRequests(
  body: CompletionRequest,
  shared: Pick<EngineCompletionRequest, "responseFormat" | "sampling">,
): EngineCompletionRequest[] {
  const suffix = body.suffix ?? "";
  const echo = body.echo === true;
  if (echo && suffix !== "") throw invalidRequest("echo cannot be combined with suffix", "echo");
  if (echo && body.logprobs != null && body.logprobs !== false)
    throw invalidRequest("echo cannot be combined with logprobs on this neuron", "echo");
  return splitCompletionPrompt(body.prompt).map((prompt) => ({
    kind: "completion",
    prompt,
    ...(suffix === "" ? {} : { infill: { suffix, param: "suffix" as const } }),
    ...(echo ? { echo } : {}),
    ...shared,
  }));
}
