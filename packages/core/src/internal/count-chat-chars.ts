import { countContentChars, PER_MESSAGE_OVERHEAD_CHARS } from "./count-content-chars.js";

/**
 * Characters of a chat body: every message's content plus 8 per message (the seed's rule, exactly), and
 * an Anthropic top-level `system` (string or text blocks) counted as one more message. OpenAI bodies have
 * no top-level `system`, so their numbers stay the seed's.
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
