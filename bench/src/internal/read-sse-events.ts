/**
 * Splits an SSE byte stream into events as parts arrive; `onEvent` gets each event's `data:` payload and
 * the arrival time of the part that completed it.
 */
export function createSseSplitter(onEvent: (data: string, arrivedAt: number) => void) {
  let pending = "";
  return (text: string, arrivedAt: number) => {
    pending += text.replaceAll("\r\n", "\n");
    let boundary = pending.indexOf("\n\n");
    while (boundary !== -1) {
      const event = pending.slice(0, boundary);
      pending = pending.slice(boundary + 2);
      const data = event
        .split("\n")
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).trimStart())
        .join("\n");
      if (data.length > 0) onEvent(data, arrivedAt);
      boundary = pending.indexOf("\n\n");
    }
  };
}
