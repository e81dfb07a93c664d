import { countContentChars, PER_MESSAGE_OVERHEAD_CHARS } from "./count-content-chars.js";
import { isRecord } from "./is-record.js";
import { utf8ByteLength } from "./utf8-byte-length.js";

/**
 * Characters of a Responses API body: `instructions` as one message, `input` as one user message when a
 * string, or item by item when an array (messages by their content, `function_call` by name and
 * arguments, `function_call_output` by output), each item with the per-message overhead. `reasoning` items
 * (earlier turns' thinking that clients send back) count nothing: the neuron drops them from the prompt.
 */
export function countResponsesChars(instructions: unknown, input: unknown): number {
  let chars = 0;
  if (typeof instructions === "string") chars += utf8ByteLength(instructions) + PER_MESSAGE_OVERHEAD_CHARS;
  if (typeof input === "string") return chars + utf8ByteLength(input) + PER_MESSAGE_OVERHEAD_CHARS;
  if (!Array.isArray(input)) return chars;
  for (const item of input) {
    if (!isRecord(item) || item.type === "reasoning") continue;
    chars += PER_MESSAGE_OVERHEAD_CHARS;
    if (item.type === "function_call") {
      if (typeof item.name === "string") chars += utf8ByteLength(item.name);
      if (typeof item.arguments === "string") chars += utf8ByteLength(item.arguments);
    } else if (item.type === "function_call_output") {
      chars += countContentChars(item.output);
    } else {
      chars += countContentChars(item.content);
    }
  }
  return chars;
}
