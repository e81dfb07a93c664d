import type { AnthropicStreamEvent } from "./anthropic-stream-event.js";

/** Frames one event for the wire: `event: <type>\ndata: <json>\n\n`. */
export function formatAnthropicStreamEvent(event: AnthropicStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
