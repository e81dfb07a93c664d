/** Writes server-sent events; `comment` lines keep idle connections alive. */
export interface SseSink {
  /** `data: <json or text>` */
  data(payload: unknown): void;
  /** `event: <name>` + `data: <json>` */
  event(name: string, payload: unknown): void;
}

export interface SseOptions {
  /** Idle time after which a `: keep-alive` comment is written. */
  keepAliveMs: number;
  /** Aborts when the client disconnects. */
  signal: AbortSignal;
  onError(error: unknown): void;
}

/**
 * A `text/event-stream` response driven by `produce`. The producer's signal aborts when the client
 * disconnects (request signal or stream cancel); the stream closes when the producer returns.
 */
export function sseResponse(
  produce: (sink: SseSink, signal: AbortSignal) => Promise<void>,
  options: SseOptions,
): Response {
  const encoder = new TextEncoder();
  const cancelled = new AbortController();
  const signal = AbortSignal.any([options.signal, cancelled.signal]);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      let lastWrite = Date.now();
      const write = (text: string) => {
        if (!open || signal.aborted) return;
        controller.enqueue(encoder.encode(text));
        lastWrite = Date.now();
      };
      const sink: SseSink = {
        data: (payload) =>
          write(`data: ${typeof payload === "string" ? payload : JSON.stringify(payload)}\n\n`),
        event: (name, payload) => write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`),
      };
      const timer = setInterval(
        () => {
          if (Date.now() - lastWrite >= options.keepAliveMs) write(": keep-alive\n\n");
        },
        Math.max(10, Math.floor(options.keepAliveMs / 3)),
      );
      produce(sink, signal)
        .catch((error: unknown) => options.onError(error))
        .finally(() => {
          clearInterval(timer);
          open = false;
          try {
            controller.close();
          } catch {
            // already cancelled by the client
          }
        });
    },
    cancel() {
      cancelled.abort();
    },
  });
  return new Response(stream, {
    status: 200,
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}
