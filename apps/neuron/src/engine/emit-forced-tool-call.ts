import type { GenerationEvent } from "../ipc/generation-event.js";
import { callId } from "./call-id.js";

/**
 * Reports a grammar-forced `{"name", "arguments"}` answer as a tool call. Returns false (and emits the
 * text as content) when the answer does not parse, e.g. when it was cut short.
 */
export function emitForcedToolCall(text: string, emit: (event: GenerationEvent) => void): boolean {
  try {
    const parsed = JSON.parse(text) as { name?: unknown; arguments?: unknown };
    if (typeof parsed.name === "string") {
      emit({
        type: "tool_call",
        index: 0,
        id: callId(0),
        name: parsed.name,
        arguments: JSON.stringify(parsed.arguments ?? {}),
      });
      return true;
    }
  } catch {
    // fall through: not a complete call
  }
  if (text !== "") emit({ type: "delta", content: text });
  return false;
}
