/** One server-sent event of a reply: its `event:` name, when it has one, and its `data:` text. */
export interface SseFrame {
  event?: string;
  data: string;
}

/**
 * Reads a whole `text/event-stream` body into its events with data. Comment lines (`: cortex: loading
 * model`, the keep-alive cortex sends while a model loads) carry no payload and are skipped; a multi-line
 * `data:` is joined with newlines, as the SSE standard says.
 */
export async function readSse(response: Response): Promise<SseFrame[]> {
  const text = await response.text();
  const frames: SseFrame[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (data.length > 0) frames.push({ ...(event === undefined ? {} : { event }), data: data.join("\n") });
  }
  return frames;
}
