import { countChatChars } from "../internal/count-chat-chars.js";
import { countCompletionPrompt } from "../internal/count-completion-prompt.js";
import { countInfillChars } from "../internal/count-infill-chars.js";
import { countResponsesChars } from "../internal/count-responses-chars.js";
import { isRecord } from "../internal/is-record.js";
import { utf8ByteLength } from "../internal/utf8-byte-length.js";

/** Characters per token when no calibration is known: English text's usual ratio, under-counting code. */
export const DEFAULT_CHARS_PER_TOKEN = 4;

/** Options of {@link estimatePromptTokens}. */
export interface EstimatePromptTokensOptions {
  /**
   * Characters (UTF-8 bytes) per token measured by the neuron for this model (`chars_per_token` on its
   * `/health`). Replaces the default 4. Ignored unless a finite number > 0.
   */
  charsPerToken?: number;
}

/**
 * Estimates a request's prompt tokens without a tokenizer, for fail-fast pre-validation against a
 * model's context window. It under-counts on purpose (the neuron stays the exact wall), so it must not
 * size budget holds: reserve with `promptTokensUpperBound` instead. With the default ratio it gives
 * these numbers (pinned by its tests, since clients see them in `estimated_prompt_tokens`):
 * - `messages` array: each message's text (string content, or the `text` of each part) plus 8 per
 *   message; extended to Anthropic bodies (top-level `system`, `tool_use` input JSON, `tool_result` content);
 * - else llama.cpp `/infill` fields: `input_prefix`, `input_suffix`, `input_extra` texts and `prompt`;
 * - else `prompt` (legacy completions): a string, or token ids counted exactly, or a batch sized by its
 *   largest prompt; plus a fill-in-the-middle `suffix`;
 * - else `input` (Responses API), plus `instructions`;
 * - else, or when the body is not JSON: the body's bytes.
 * Characters are UTF-8 bytes; the result is `max(1, floor(chars / charsPerToken) + tokenIds)`.
 *
 * @param body the parsed JSON body, or the raw body as text or bytes (a string is always raw text).
 */
export function estimatePromptTokens(body: unknown, options: EstimatePromptTokensOptions = {}): number {
  const charsPerToken =
    options.charsPerToken !== undefined && Number.isFinite(options.charsPerToken) && options.charsPerToken > 0
      ? options.charsPerToken
      : DEFAULT_CHARS_PER_TOKEN;
  const toTokens = (chars: number, tokenIds = 0) => Math.max(1, Math.floor(chars / charsPerToken) + tokenIds);

  const raw = rawBody(body);
  const parsed = raw === undefined ? { ok: true as const, value: body } : parseJson(raw.text);
  if (!parsed.ok) return toTokens(raw?.bytes ?? 0);
  const value = parsed.value;
  const bodyBytes = () => raw?.bytes ?? utf8ByteLength(JSON.stringify(value) ?? "");

  if (!isRecord(value)) return toTokens(bodyBytes());
  if (Array.isArray(value.messages)) return toTokens(countChatChars(value.messages, value.system));
  const infill = countInfillChars(value);
  if (infill !== undefined) return toTokens(infill);
  const prompt = countCompletionPrompt(value.prompt, charsPerToken);
  if (prompt !== undefined) {
    const suffix = typeof value.suffix === "string" ? utf8ByteLength(value.suffix) : 0;
    return toTokens(prompt.chars + suffix, prompt.tokens);
  }
  if (typeof value.input === "string" || Array.isArray(value.input)) {
    return toTokens(countResponsesChars(value.instructions, value.input));
  }
  return toTokens(bodyBytes());
}

function rawBody(body: unknown): { text: string; bytes: number } | undefined {
  if (typeof body === "string") return { text: body, bytes: utf8ByteLength(body) };
  if (body instanceof Uint8Array) return { text: new TextDecoder().decode(body), bytes: body.byteLength };
  return undefined;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
