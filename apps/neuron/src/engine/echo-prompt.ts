import type { LlamaModel, Token } from "node-llama-cpp";
import type { EngineCompletionRequest } from "../ipc/engine-request.js";
import type { GenerationEvent } from "../ipc/generation-event.js";

/**
 * OpenAI `echo`: the reply starts with the prompt's text (token ids as the model spells them). Returns an
 * `emit` that puts that text in front of the first delta, or in a delta of its own before `done` when
 * nothing was generated; `emit` itself when the request does not ask.
 */
export function echoPrompt(
  model: LlamaModel,
  request: EngineCompletionRequest,
  emit: (event: GenerationEvent) => void,
): (event: GenerationEvent) => void {
  if (request.echo !== true) return emit;
  let pending: string | undefined =
    typeof request.prompt === "string" ? request.prompt : model.detokenize(request.prompt as Token[]);
  return (event) => {
    if (pending !== undefined && (event.type === "delta" || event.type === "done")) {
      const text = pending;
      pending = undefined;
      if (event.type === "delta") {
        emit({ ...event, content: text + (event.content ?? "") });
        return;
      }
      if (text !== "") emit({ type: "delta", content: text });
    }
    emit(event);
  };
}
