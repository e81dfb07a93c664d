import type { SseSink } from "../http/sse-response.js";
import type { GenerationEvent } from "../ipc/generation-event.js";

/** One write to a `recordSse()` sink: the event name (undefined for a plain `data:`) and the payload. */
export interface RecordedFrame {
  event: string | undefined;
  payload: unknown;
}

/** An `SseSink` that keeps what a stream writer sends, for wire-shape tests without HTTP. */
export function recordSse(): { sink: SseSink; frames: RecordedFrame[] } {
  const frames: RecordedFrame[] = [];
  return {
    frames,
    sink: {
      data: (payload) => frames.push({ event: undefined, payload }),
      event: (name, payload) => frames.push({ event: name, payload }),
    },
  };
}

/** Generation events as the async iterable a worker hands the wire writers. */
export async function* generationEvents(events: GenerationEvent[]): AsyncIterable<GenerationEvent> {
  for (const event of events) yield event;
}

/** A `done` event with small usage numbers. */
export function doneEvent(finishReason: "stop" | "length" | "tool_calls" = "stop"): GenerationEvent {
  return {
    type: "done",
    finishReason,
    usage: { promptTokens: 7, completionTokens: 3, cachedTokens: 2, reasoningTokens: 0 },
  };
}
