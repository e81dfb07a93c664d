import { isRecord } from "../internal/is-record.js";
import { utf8ByteLength } from "../internal/utf8-byte-length.js";

/**
 * Tokens a chat template may add beyond the body's own bytes: the beginning-of-sequence token and the
 * assistant turn's opening. Per-message markers are covered by the JSON around each message
 * (`{"role":"user","content":""}` is 28 bytes, more than any template spends on one turn).
 */
export const TEMPLATE_ALLOWANCE_TOKENS = 32;

/**
 * Tokens the neuron's chat template may add when the request has tools: node-llama-cpp documents the
 * functions in a preamble of its own (about 700 tokens on the byte-level tiny model's tokenizer for
 * ChatML), beyond the functions' own JSON, which the body already carries.
 */
export const TOOLS_ALLOWANCE_TOKENS = 2048;

/**
 * Tokens the neuron adds before each `/infill` `input_extra` chunk: llama.cpp's `\n\n--- snippet ---\n\n`
 * separator (19 bytes, so at most 19 tokens), which the body does not carry.
 */
export const INFILL_CHUNK_ALLOWANCE_TOKENS = 19;

/** Options of {@link promptTokensUpperBound}. */
export interface PromptTokensUpperBoundOptions {
  /** Whether the request has tools; default: read from `body` when it is parsed JSON, else false. */
  tools?: boolean;
  /** `/infill` `input_extra` chunks; default: read from `body` when it is parsed JSON, else 0. */
  infillChunks?: number;
}

/**
 * A prompt size that is never below the prompt's true token count, for budget reservations (the
 * calibrated {@link estimatePromptTokens} under-counts on purpose and must not be reserved with): the
 * body's UTF-8 bytes plus {@link TEMPLATE_ALLOWANCE_TOKENS}, plus {@link TOOLS_ALLOWANCE_TOKENS} when the
 * request has tools, plus {@link INFILL_CHUNK_ALLOWANCE_TOKENS} per `/infill` `input_extra` chunk. (The
 * three fill-in-the-middle tokens fit in the template allowance.) It holds because no tokenizer spends more
 * than one token per byte of text, and every prompt byte (text, tool JSON, token ids) sits in the body
 * at least once. Reservations are settled to the neuron's exact count afterwards, so over-counting
 * only holds budget for the length of a request.
 *
 * @param body the parsed JSON body, or its raw text or bytes.
 */
export function promptTokensUpperBound(body: unknown, options: PromptTokensUpperBoundOptions = {}): number {
  const tools = options.tools ?? (isRecord(body) && Array.isArray(body.tools) && body.tools.length > 0);
  const chunks =
    options.infillChunks ?? (isRecord(body) && Array.isArray(body.input_extra) ? body.input_extra.length : 0);
  return (
    bodyBytes(body) +
    TEMPLATE_ALLOWANCE_TOKENS +
    (tools ? TOOLS_ALLOWANCE_TOKENS : 0) +
    Math.max(0, chunks) * INFILL_CHUNK_ALLOWANCE_TOKENS
  );
}

function bodyBytes(body: unknown): number {
  if (typeof body === "string") return utf8ByteLength(body);
  if (body instanceof Uint8Array) return body.byteLength;
  return utf8ByteLength(JSON.stringify(body) ?? "");
}
