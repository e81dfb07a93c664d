import { isRecord } from "./is-record.js";
import { utf8ByteLength } from "./utf8-byte-length.js";

/** Characters (UTF-8 bytes) counted per message for role and formatting overhead. */
export const PER_MESSAGE_OVERHEAD_CHARS = 8;

/**
 * Characters of one message's `content`: a string counts whole; an array counts each part's `text`
 * (OpenAI text parts, Anthropic text blocks, Responses `input_text` / `output_text`), an Anthropic
 * `tool_use` block's `input` as JSON plus its `name`, and a `tool_result` block's `content` recursively.
 * Anything else (images, unknown parts) counts 0: the estimate under-counts rather than over-counts.
 */
export function countContentChars(content: unknown): number {
  if (typeof content === "string") return utf8ByteLength(content);
  if (!Array.isArray(content)) return 0;
  let chars = 0;
  for (const part of content) {
    if (!isRecord(part)) continue;
    if (typeof part.text === "string") {
      chars += utf8ByteLength(part.text);
    } else if (part.type === "tool_use") {
      chars += utf8ByteLength(JSON.stringify(part.input ?? {}));
      if (typeof part.name === "string") chars += utf8ByteLength(part.name);
    } else if (part.type === "tool_result") {
      chars += countContentChars(part.content);
    }
  }
  return chars;
}
