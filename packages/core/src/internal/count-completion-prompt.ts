import { utf8ByteLength } from "./utf8-byte-length.js";

/** Size of a legacy completions `prompt`: text characters to divide, and token ids already counted. */
export interface PromptSize {
  chars: number;
  tokens: number;
}

/**
 * Size of a legacy `prompt`: a string, an array of token ids, or a batch (array of strings or of token-id
 * arrays). A batch is sized by its largest prompt, since each prompt gets its own context window; token
 * ids are exact and are not divided. Returns undefined when `prompt` is none of these.
 */
export function countCompletionPrompt(prompt: unknown, charsPerToken: number): PromptSize | undefined {
  if (typeof prompt === "string") return { chars: utf8ByteLength(prompt), tokens: 0 };
  if (!Array.isArray(prompt)) return undefined;
  if (prompt.every((item) => typeof item === "number")) return { chars: 0, tokens: prompt.length };
  let largest: PromptSize = { chars: 0, tokens: 0 };
  for (const item of prompt) {
    let size: PromptSize;
    if (typeof item === "string") size = { chars: utf8ByteLength(item), tokens: 0 };
    else if (Array.isArray(item)) size = { chars: 0, tokens: item.length };
    else return undefined;
    if (size.chars / charsPerToken + size.tokens > largest.chars / charsPerToken + largest.tokens)
      largest = size;
  }
  return largest;
}
