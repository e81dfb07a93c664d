/** Terminal Responses stream events whose `response` is the finished object worth storing. */
const FINAL_EVENTS = ['"type":"response.completed"', '"type":"response.incomplete"'];

/**
 * The Response object of a Responses stream's terminal `response.completed` / `response.incomplete`
 * event, read from the stream's tail; null when the tail holds none whole (a failed stream, or a final
 * event longer than the tail).
 */
export function readFinalResponse(tail: string): Record<string, unknown> | null {
  const lines = tail.split("\n");
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = (lines[index] as string).trimEnd();
    if (!line.startsWith("data:")) continue;
    if (!FINAL_EVENTS.some((marker) => line.includes(marker))) continue;
    try {
      const event = JSON.parse(line.slice(5)) as { type?: unknown; response?: unknown };
      if (
        (event.type === "response.completed" || event.type === "response.incomplete") &&
        typeof event.response === "object" &&
        event.response !== null
      ) {
        return event.response as Record<string, unknown>;
      }
    } catch {
      return null;
    }
  }
  return null;
}
