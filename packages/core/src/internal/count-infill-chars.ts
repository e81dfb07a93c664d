import { isRecord } from "./is-record.js";
import { utf8ByteLength } from "./utf8-byte-length.js";

/**
 * Characters (UTF-8 bytes) of a llama.cpp `/infill` body's prompt: `input_prefix`, `input_suffix`, the
 * `text` of each `input_extra` chunk and `prompt` (the middle's start). Undefined when the body has none
 * of the infill fields, so other bodies are sized as before.
 */
export function countInfillChars(body: Record<string, unknown>): number | undefined {
  const { input_prefix: prefix, input_suffix: suffix, input_extra: extra } = body;
  if (typeof prefix !== "string" && typeof suffix !== "string" && !Array.isArray(extra)) return undefined;
  let chars = text(prefix) + text(suffix) + text(body.prompt);
  if (Array.isArray(extra)) for (const chunk of extra) if (isRecord(chunk)) chars += text(chunk.text);
  return chars;
}

function text(value: unknown): number {
  return typeof value === "string" ? utf8ByteLength(value) : 0;
}
