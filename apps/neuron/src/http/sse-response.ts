import type { ServerResponse } from "node:http";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";

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
  /**
   * The client's Node response (`@hono/node-server`'s `c.env.outgoing`): events are written to it
   * directly, each a socket write (those of one turn go out together), and the result is
   * `RESPONSE_ALREADY_SENT`. Without it (e.g. `app.request` in tests) the result is a streamed `Response`.
   */
  outgoing?: ServerResponse | undefined;
  /** More response headers (e.g. `x-helexa-prompt-tokens`), sent with the stream's own when it opens. */
  headers?: Record<string, string> | undefined;
}

const streamHeaders = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

/**
 * A `text/event-stream` reply driven by `produce`. The producer's signal aborts when the client
 * disconnects; the stream ends when the producer returns.
 */
export function sseResponse(
  produce: (sink: SseSink, signal: AbortSignal) => Promise<void>,
  options: SseOptions,
): Response {
  const cancelled = new AbortController();
  const signal = AbortSignal.any([options.signal, cancelled.signal]);
  const headers = { ...options.headers, ...streamHeaders };
  if (options.outgoing !== undefined) {
    const outgoing = options.outgoing;
    outgoing.once("close", () => cancelled.abort());
    outgoing.writeHead(200, headers);
    const write = (text: string) => {
      if (!signal.aborted && outgoing.writable) outgoing.write(text);
    };
    run(produce, write, signal, options, () => {
      if (outgoing.writable) outgoing.end();
    });
    return RESPONSE_ALREADY_SENT;
  }
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const write = (text: string) => {
        if (open && !signal.aborted) controller.enqueue(encoder.encode(text));
      };
      run(produce, write, signal, options, () => {
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
  return new Response(stream, { status: 200, headers });
}

/** Runs the producer over `write`, with keep-alive comments while it is quiet; `end` once it returns. */
function run(
  produce: (sink: SseSink, signal: AbortSignal) => Promise<void>,
  write: (text: string) => void,
  signal: AbortSignal,
  options: SseOptions,
  end: () => void,
): void {
  let lastWrite = Date.now();
  const written = (text: string) => {
    write(text);
    lastWrite = Date.now();
  };
  const sink: SseSink = {
    data: (payload) =>
      written(`data: ${typeof payload === "string" ? payload : JSON.stringify(payload)}\n\n`),
    event: (name, payload) => written(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`),
  };
  const timer = setInterval(
    () => {
      if (Date.now() - lastWrite >= options.keepAliveMs) written(": keep-alive\n\n");
    },
    Math.max(10, Math.floor(options.keepAliveMs / 3)),
  );
  produce(sink, signal)
    .catch((error: unknown) => options.onError(error))
    .finally(() => {
      clearInterval(timer);
      end();
    });
}
