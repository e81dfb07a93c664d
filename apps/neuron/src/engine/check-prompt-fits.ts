import { contextLengthExceeded, type PromptField } from "@helexa/core";
import { maxPromptTokens } from "../ipc/max-prompt-tokens.js";
import { RequestRejection } from "./request-rejection.js";

/**
 * Throws 400 `context_length_exceeded` (with `max` and `prompt_len`, `param` naming `field`) when the
 * prompt does not fit: `@helexa/core`'s `contextLengthExceeded`, as a rejection that crosses IPC.
 */
export function checkPromptFits(promptTokens: number, contextSize: number, field: PromptField): void {
  const max = maxPromptTokens(contextSize);
  if (promptTokens <= max) return;
  const error = contextLengthExceeded(max, promptTokens, false, field);
  throw new RequestRejection(error.statusCode, error.message, error.param, error.code, error.extras);
}
