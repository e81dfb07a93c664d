export interface SseFrame {
  event: string;
  data: Record<string, unknown>;
}

/** Splits an Anthropic SSE body into frames, checking each has an `event:` line matching its data's `type`. */
export function parseSseFrames(text: string): SseFrame[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((line) => line.startsWith("event: "))?.slice("event: ".length);
      const data = lines.find((line) => line.startsWith("data: "))?.slice("data: ".length);
      if (event === undefined || data === undefined)
        throw new Error(`malformed frame: ${JSON.stringify(block)}`);
      const parsed = JSON.parse(data) as Record<string, unknown>;
      if (parsed.type !== event) throw new Error(`event ${event} carries type ${String(parsed.type)}`);
      return { event, data: parsed };
    });
}

/** Reads a byte stream to the end and parses its frames. */
export async function readSseFrames(stream: ReadableStream<Uint8Array>): Promise<SseFrame[]> {
  return parseSseFrames(await new Response(stream).text());
}

/** A byte stream of `text` cut into `size`-byte pieces (splitting lines and UTF-8 sequences). */
export function byteStream(text: string, size = 7): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}
