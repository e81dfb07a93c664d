import type { AnthropicStreamEvent } from "../anthropic-stream-event.js";

interface Accumulated {
  message: Record<string, unknown> & { content: Record<string, unknown>[]; usage: Record<string, unknown> };
  error: { type: string; message: string } | undefined;
  stopped: boolean;
}

/**
 * Folds events into the final message the way Anthropic's SDK does, and throws on any ordering the SDK
 * (or a careful client) would reject: an event before `message_start`, a delta for a block that is not
 * open, a block opened while another is open, anything after `message_stop` or `error`.
 */
export function accumulateAnthropicEvents(events: AnthropicStreamEvent[]): Accumulated {
  let message: Accumulated["message"] | undefined;
  let openIndex: number | undefined;
  let error: Accumulated["error"];
  let stopped = false;
  const json = new Map<number, string>();
  for (const event of events) {
    if (stopped || error) throw new Error(`${event.type} after the end of the stream`);
    if (event.type === "ping") continue;
    if (event.type === "error") {
      error = event.error;
      continue;
    }
    if (event.type === "message_start") {
      if (message) throw new Error("second message_start");
      message = structuredClone(event.message) as unknown as Accumulated["message"];
      continue;
    }
    if (!message) throw new Error(`${event.type} before message_start`);
    switch (event.type) {
      case "content_block_start":
        if (openIndex !== undefined)
          throw new Error(`block ${event.index} opened while ${openIndex} is open`);
        if (event.index !== message.content.length)
          throw new Error(`block index ${event.index} out of order`);
        openIndex = event.index;
        message.content.push(structuredClone(event.content_block) as unknown as Record<string, unknown>);
        break;
      case "content_block_delta": {
        if (event.index !== openIndex) throw new Error(`delta for block ${event.index} which is not open`);
        const block = message.content[event.index]!;
        if (event.delta.type === "text_delta") block.text = `${block.text}${event.delta.text}`;
        if (event.delta.type === "thinking_delta")
          block.thinking = `${block.thinking}${event.delta.thinking}`;
        if (event.delta.type === "input_json_delta") {
          json.set(event.index, (json.get(event.index) ?? "") + event.delta.partial_json);
        }
        break;
      }
      case "content_block_stop": {
        if (event.index !== openIndex) throw new Error(`stop for block ${event.index} which is not open`);
        const text = json.get(event.index);
        if (text !== undefined) message.content[event.index]!.input = JSON.parse(text);
        openIndex = undefined;
        break;
      }
      case "message_delta":
        if (openIndex !== undefined) throw new Error("message_delta while a block is open");
        message.stop_reason = event.delta.stop_reason;
        message.stop_sequence = event.delta.stop_sequence;
        Object.assign(message.usage, event.usage);
        break;
      case "message_stop":
        stopped = true;
        break;
    }
  }
  if (!message) throw new Error("no message_start");
  return { message, error, stopped };
}
