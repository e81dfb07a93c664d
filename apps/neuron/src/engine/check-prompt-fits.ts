import { maxPromptTokens } from "../ipc/max-prompt-tokens.js";
import { RequestRejection } from "./request-rejection.js";

/**
 * Throws 400 `context_length_exceeded` (with `max` and `prompt_len`) when the prompt does not fit; the
 * same envelope as `@helexa/core`'s `contextLengthExceeded`.
 */
export function checkPromptFits(promptTokens: number, contextSize: number): void {
  const max = maxPromptTokens(contextSize);
  if (promptTokens <= max) return;
  throw new RequestRejection(
    400,
    `This model's maximum context length is ${max} tokens. However, your messages resulted in ${promptTokens} tokens. Please reduce the length of the messages.`,
    "messages",
    "context_length_exceeded",
    { max, prompt_len: promptTokens },
  );
}
