import type { OpenAiToolCallDelta } from "../openai-chat-response-schema.js";
import { toolUseId } from "./anthropic-ids.js";
import { parseToolInput } from "./parse-tool-input.js";

/** A finished tool call, ready to become a `tool_use` block. */
export interface BufferedToolCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface ToolCallBuffer {
  /** Adds one streamed tool-call delta (an id, a name, a piece of the arguments, or all of them). */
  add(entry: OpenAiToolCallDelta): void;
  /** How many calls are being collected. */
  readonly size: number;
  /** The collected calls in OpenAI index order, arguments parsed; empties the buffer. Nameless calls are dropped. */
  drain(): BufferedToolCall[];
}

interface CallState {
  id: string | undefined;
  name: string | undefined;
  argumentsText: string;
}

/**
 * Collects streamed OpenAI tool calls by their `index` until they are complete. Arguments are held rather
 * than forwarded piece by piece so that a client always receives a JSON object it can parse (Anthropic's
 * SDK parses `input_json_delta` text and fails on invalid JSON), whatever order the pieces of parallel
 * calls arrive in.
 */
export function createToolCallBuffer(): ToolCallBuffer {
  let calls = new Map<number, CallState>();
  let lastKey: number | undefined;

  const keyOf = (entry: OpenAiToolCallDelta): number => {
    if (entry.index !== undefined) return entry.index;
    if (entry.id) {
      for (const [key, call] of calls) if (call.id === entry.id) return key;
      return calls.size === 0 ? 0 : Math.max(...calls.keys()) + 1;
    }
    return lastKey ?? 0;
  };

  return {
    add(entry) {
      const key = keyOf(entry);
      lastKey = key;
      let call = calls.get(key);
      if (call === undefined) {
        call = { id: undefined, name: undefined, argumentsText: "" };
        calls.set(key, call);
      }
      if (entry.id && call.id === undefined) call.id = entry.id;
      if (entry.function?.name && call.name === undefined) call.name = entry.function.name;
      call.argumentsText += entry.function?.arguments ?? "";
    },
    get size() {
      return calls.size;
    },
    drain() {
      const drained = [...calls.entries()]
        .sort(([a], [b]) => a - b)
        .flatMap(([, call]) =>
          call.name === undefined
            ? []
            : [{ id: toolUseId(call.id), name: call.name, input: parseToolInput(call.argumentsText) }],
        );
      calls = new Map();
      lastKey = undefined;
      return drained;
    },
  };
}
