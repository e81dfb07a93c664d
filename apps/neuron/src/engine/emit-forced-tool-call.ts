import type { GenerationEvent } from "../ipc/generation-event.js";
import { callId } from "./call-id.js";

/**
 * Reports a grammar-forced `{"name", "arguments"}` answer as a tool call. An answer cut short (the output
 * limit ran out mid-call) is still a tool call, as OpenAI sends it: the name (read from the text, or the one
 * forced tool) with the arguments as far as they were generated, never the raw JSON as assistant text.
 * Returns whether a complete call parsed; an unparsable answer naming no known tool emits nothing.
 */
export function emitForcedToolCall(
  text: string,
  emit: (event: GenerationEvent) => void,
  toolNames: readonly string[],
): boolean {
  const call = (name: string, args: string) =>
    emit({ type: "tool_call", index: 0, id: callId(0), name, arguments: args });
  try {
    const parsed = JSON.parse(text) as { name?: unknown; arguments?: unknown };
    if (typeof parsed.name === "string") {
      call(parsed.name, JSON.stringify(parsed.arguments ?? {}));
      return true;
    }
  } catch {
    // cut short: recover what was generated below
  }
  const named = /"name"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(text)?.[1];
  const name = named ?? (toolNames.length === 1 ? toolNames[0] : undefined);
  if (name === undefined || !toolNames.includes(name)) return false;
  const argumentsAt = /"arguments"\s*:\s*/.exec(text);
  call(name, argumentsAt === null ? "" : text.slice(argumentsAt.index + argumentsAt[0].length));
  return false;
}
