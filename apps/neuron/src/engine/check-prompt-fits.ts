import { contextLengthExceeded, type PromptField } from "@helexa/core/errors";
import { maxPromptTokens } from "../ipc/max-prompt-tokens.js";

/**
 * Throws 400 `context_length_exceeded` (with `max` and `prompt_len`, `param` naming `field`) when the
 * prompt does not fit: `@helexa/core`'s `contextLengthExceeded`, which crosses IPC as a `WorkerError`.
 */
export function checkPromptFits(promptTokens: number, contextSize: number, field: PromptField): void {
  const max = maxPromptTokens(contextSize);
  if (promptTokens <= max) return;
  throw contextLengthExceeded(max, promptTokens, false, field);
}
