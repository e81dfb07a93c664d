/** One server-sent event: its `event:` name (if any) and `data:` text; comments are kept as `comment`. */
export interface SseEvent {
  event?: string;
  data?: string;
  comment?: string;
}

/** Reads a whole `text/event-stream` body into events. */
export async function readSse(response: Response): Promise<SseEvent[]> {
  return parseSse(await response.text());
}

export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split("\n\n")) {
    if (block.trim() === "") continue;
    const event: SseEvent = {};
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) event.comment = line.slice(1).trim();
      else if (line.startsWith("event:")) event.event = line.slice(6).trim();
      else if (line.startsWith("data:"))
        event.data = (event.data === undefined ? "" : `${event.data}\n`) + line.slice(5).trimStart();
    }
    events.push(event);
  }
  return events;
}

/** The JSON payloads of the `data:` lines, `[DONE]` kept as the string. */
export function sseData(events: SseEvent[]): unknown[] {
  return events
    .filter((event) => event.data !== undefined)
    .map((event) => (event.data === "[DONE]" ? "[DONE]" : JSON.parse(event.data as string)));
}

/**
 * Reads an SSE body incrementally, calling `onEvent` for each event as it arrives; resolves with all of
 * them when the stream ends.
 */
export async function consumeSse(
  response: Response,
  onEvent: (event: SseEvent) => void | Promise<void>,
): Promise<SseEvent[]> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const all: SseEvent[] = [];
  let buffer = "";
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut = buffer.indexOf("\n\n");
    while (cut >= 0) {
      const [event] = parseSse(buffer.slice(0, cut + 2));
      buffer = buffer.slice(cut + 2);
      if (event !== undefined) {
        all.push(event);
        await onEvent(event);
      }
      cut = buffer.indexOf("\n\n");
    }
  }
  return all;
}
