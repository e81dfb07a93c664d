import type { Usage } from "../entitlements/entitlements.js";

/**
 * Token usage from the tail of a reply (a JSON body or an SSE stream): the last integer after
 * `"prompt_tokens"` / `"completion_tokens"` (chat, completions), else after `"input_tokens"` /
 * `"output_tokens"` (Responses). The quoted keys never match `*_details`. `cachedTokens` is the last
 * `"cached_tokens"` (in `prompt_tokens_details` / `input_tokens_details`), at most the prompt, and absent
 * when the reply did not say. Null when no usage was sent.
 */
export function readUsage(text: string): Usage | null {
  const prompt = lastIntegerAfter(text, '"prompt_tokens"');
  const completion = lastIntegerAfter(text, '"completion_tokens"');
  if (prompt !== null || completion !== null) {
    return withCached(text, { promptTokens: prompt ?? 0, completionTokens: completion ?? 0 });
  }
  const input = lastIntegerAfter(text, '"input_tokens"');
  const output = lastIntegerAfter(text, '"output_tokens"');
  if (input !== null || output !== null)
    return withCached(text, { promptTokens: input ?? 0, completionTokens: output ?? 0 });
  return null;
}

function withCached(text: string, usage: Usage): Usage {
  const cached = lastIntegerAfter(text, '"cached_tokens"');
  return cached === null ? usage : { ...usage, cachedTokens: Math.min(cached, usage.promptTokens) };
}

function lastIntegerAfter(text: string, key: string): number | null {
  let index = text.lastIndexOf(key);
  while (index >= 0) {
    const value = integerAt(text, index + key.length);
    if (value !== null) return value;
    index = index === 0 ? -1 : text.lastIndexOf(key, index - 1);
  }
  return null;
}

function integerAt(text: string, start: number): number | null {
  let position = start;
  while (isSpace(text.charCodeAt(position))) position++;
  if (text.charCodeAt(position) !== 58 /* : */) return null;
  position++;
  while (isSpace(text.charCodeAt(position))) position++;
  const first = position;
  while (position < text.length) {
    const code = text.charCodeAt(position);
    if (code < 48 || code > 57) break;
    position++;
  }
  if (position === first) return null;
  const next = text.charCodeAt(position);
  if (next === 46 /* . */ || next === 101 || next === 69 /* e E */) return null;
  return Number(text.slice(first, position));
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}
