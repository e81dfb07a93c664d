import type { TokenLogprob } from "../ipc/generation-event.js";

/**
 * Tokens with their logprobs as OpenAI's chat `ChatCompletionTokenLogprob` and Responses `LogProb` items:
 * `{token, logprob, bytes, top_logprobs: [{token, logprob, bytes}]}`.
 */
export function toLogprobItems(entries: readonly TokenLogprob[]) {
  return entries.map((entry) => ({
    token: entry.token,
    logprob: entry.logprob,
    bytes: entry.bytes,
    top_logprobs: entry.top.map((alternative) => ({
      token: alternative.token,
      logprob: alternative.logprob,
      bytes: alternative.bytes,
    })),
  }));
}

/** A chat choice's (or chunk's) `logprobs` object: the content tokens; this engine never refuses. */
export function toChatLogprobs(entries: readonly TokenLogprob[]) {
  return { content: toLogprobItems(entries), refusal: null };
}

/**
 * A `/v1/completions` choice's `logprobs`: parallel arrays of token texts, their logprobs, their
 * alternatives (token text → logprob) and each token's character offset in the text, counted from
 * `startOffset` (the prompt's length: OpenAI counts offsets from the start of the prompt).
 */
export function toCompletionLogprobs(entries: readonly TokenLogprob[], startOffset: number) {
  const textOffset: number[] = [];
  let offset = startOffset;
  for (const entry of entries) {
    textOffset.push(offset);
    offset += entry.token.length;
  }
  return {
    tokens: entries.map((entry) => entry.token),
    token_logprobs: entries.map((entry) => entry.logprob),
    top_logprobs: entries.map((entry) =>
      Object.fromEntries(entry.top.map((alternative) => [alternative.token, alternative.logprob])),
    ),
    text_offset: textOffset,
  };
}
