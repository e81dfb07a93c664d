import { countContentChars, PER_MESSAGE_OVERHEAD_CHARS } from "./count-content-chars.js";

/**
 * Characters of a chat body: every message's content plus 8 per message, and an Anthropic top-level
 * `system` (string or text blocks) counted as one more message, so the same conversation estimates alike
 * in both dialects.
 */
export function countChatChars(messages: readonly unknown[], system: unknown): number {
  let chars = 0;
  for (const message of messages) {
    const content =
      typeof message === "object" && message !== null
        ? (message as { content?: unknown }).content
        : undefined;
    chars += countContentChars(content) + PER_MESSAGE_OVERHEAD_CHARS;
  }
  if (typeof system === "string" || Array.isArray(system)) {
    chars += countContentChars(system) + PER_MESSAGE_OVERHEAD_CHARS;
  }
  return chars;
}
