import type { PromptField } from "@helexa/core/errors";
import type { EngineRequest } from "./engine-request.js";

/**
 * The request field that held `request`'s prompt, for the `param` and wording of a context-length refusal:
 * `prompt` for a text completion, `input` for a Responses request, else chat `messages`.
 */
export function promptFieldOf(request: EngineRequest): PromptField {
  if (request.kind === "completion") return "prompt";
  return request.promptField ?? "messages";
}
