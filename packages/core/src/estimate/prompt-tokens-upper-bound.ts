import { utf8ByteLength } from "../internal/utf8-byte-length.js";

/**
 * Tokens a chat template may add beyond the body's own bytes: the beginning-of-sequence token and the
 * assistant turn's opening. Per-message markers are covered by the JSON around each message
 * (`{"role":"user","content":""}` is 28 bytes, more than any template spends on one turn).
 */
export const TEMPLATE_ALLOWANCE_TOKENS = 32;

/**
 * A prompt size that is never below the prompt's true token count, for budget reservations (the
 * calibrated {@link estimatePromptTokens} under-counts on purpose and must not be reserved with): the
 * body's UTF-8 bytes plus {@link TEMPLATE_ALLOWANCE_TOKENS}. It holds because no tokenizer spends more
 * than one token per byte of text, and every prompt byte (text, tool JSON, token ids) sits in the body
 * at least once. Reservations are settled to the neuron's exact count afterwards, so over-counting
 * only holds budget for the length of a request.
 *
 * @param body the parsed JSON body, or its raw text or bytes.
 */
export function promptTokensUpperBound(body: unknown): number {
  return bodyBytes(body) + TEMPLATE_ALLOWANCE_TOKENS;
}

function bodyBytes(body: unknown): number {
  if (typeof body === "string") return utf8ByteLength(body);
  if (body instanceof Uint8Array) return body.byteLength;
  return utf8ByteLength(JSON.stringify(body) ?? "");
}
