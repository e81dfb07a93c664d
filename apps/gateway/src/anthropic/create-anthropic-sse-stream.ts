import { EventSourceParserStream } from "eventsource-parser/stream";
import type { AnthropicStreamEvent } from "./anthropic-stream-event.js";
import {
  type AnthropicStreamTranslatorOptions,
  createAnthropicStreamTranslator,
} from "./create-anthropic-stream-translator.js";
import { formatAnthropicStreamEvent } from "./format-anthropic-stream-event.js";

/** Starts calling `callback` every `intervalMs`; returns the function that stops it. */
export type ScheduleInterval = (callback: () => void, intervalMs: number) => () => void;

export interface AnthropicSseStreamOptions extends AnthropicStreamTranslatorOptions {
  /** A `ping` is sent after this long without any other event. Default 10 000 ms. */
  pingIntervalMs?: number;
  /** Injected for tests; defaults to `setInterval` / `clearInterval`. */
  scheduleInterval?: ScheduleInterval;
  /** After `[DONE]`, how long the upstream body may take to end by itself before it is cut. Default 2000 ms. */
  drainGraceMs?: number;
}

export const DEFAULT_PING_INTERVAL_MS = 10_000;
export const DEFAULT_DRAIN_GRACE_MS = 2_000;

const defaultScheduleInterval: ScheduleInterval = (callback, intervalMs) => {
  const handle = setInterval(callback, intervalMs);
  return () => clearInterval(handle);
};

/**
 * Re-encodes an upstream OpenAI chat SSE body as an Anthropic SSE body (`event: X\ndata: {...}\n\n`
 * frames). `message_start` goes out at once and `ping`s keep an idle connection alive, so a client sees
 * the reply begin even while a long prompt is still being read (or the model is still loading); an upstream
 * SSE comment becomes a `ping` too. The body always ends with either `message_stop` or one `error` event: an upstream error object, a broken upstream connection, or an
 * upstream that ends before any `finish_reason` all become an `error` event. This is a readable stream
 * that owns the upstream reader rather than a `TransformStream`, because once a piped source errors a
 * transform can no longer write the `error` event. Reading is pulled, so a slow client slows the upstream;
 * cancelling (the client went away) cancels the upstream body. After `[DONE]` the client's stream closes at
 * once while the upstream body is read to its own end (within `drainGraceMs`), so the request below
 * finishes as a success and its connection is reused, rather than being cut as if the client had left.
 */
export function createAnthropicSseStream(
  upstream: ReadableStream<Uint8Array>,
  options: AnthropicSseStreamOptions,
): ReadableStream<Uint8Array> {
  const translator = createAnthropicStreamTranslator(options);
  const encoder = new TextEncoder();
  const scheduleInterval = options.scheduleInterval ?? defaultScheduleInterval;
  let stopPings: (() => void) | undefined;
  let sentSinceTick = false;
  let closed = false;
  let output: ReadableStreamDefaultController<Uint8Array> | undefined;
  // An upstream SSE comment (cortex's `: cortex: loading model` during a cold load, a neuron's
  // `: keep-alive`) is not Anthropic SSE: it goes out as a `ping`, so the client's connection stays alive
  // at the upstream's cadence.
  const onComment = () => {
    if (output !== undefined) send(output, translator.ping());
  };
  const reader = upstream
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream({ onComment }))
    .getReader();

  const send = (controller: ReadableStreamDefaultController<Uint8Array>, events: AnthropicStreamEvent[]) => {
    if (closed || events.length === 0) return;
    // One chunk per batch: the frames of one upstream chunk leave together.
    controller.enqueue(encoder.encode(events.map(formatAnthropicStreamEvent).join("")));
    sentSinceTick = true;
  };
  const close = async (controller: ReadableStreamDefaultController<Uint8Array>, drain = false) => {
    if (closed) return;
    closed = true;
    stopPings?.();
    controller.close();
    if (drain) {
      void drainToEnd(reader, options.drainGraceMs ?? DEFAULT_DRAIN_GRACE_MS);
      return;
    }
    // Nothing more is wanted from upstream; release it (it has normally ended already).
    await reader.cancel().catch(() => undefined);
  };

  return new ReadableStream<Uint8Array>({
    start(controller) {
      output = controller;
      send(controller, translator.start());
      stopPings = scheduleInterval(() => {
        if (!sentSinceTick) send(controller, translator.ping());
        sentSinceTick = false;
      }, options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS);
    },
    async pull(controller) {
      // Loop until something was sent: a pull that enqueues nothing is not necessarily called again.
      while (!closed) {
        let next: Awaited<ReturnType<typeof reader.read>>;
        try {
          next = await reader.read();
        } catch {
          send(
            controller,
            translator.fail("api_error", "upstream connection lost before the reply finished"),
          );
          await close(controller);
          return;
        }
        if (next.done) {
          // A server may omit `[DONE]`; a stream that never reached a finish_reason was cut short.
          send(
            controller,
            translator.sawFinishReason
              ? translator.finish()
              : translator.fail("api_error", "upstream ended the stream before the reply finished"),
          );
          await close(controller);
          return;
        }
        const data = next.value.data.trim();
        const done = data === "[DONE]";
        const events = done ? translator.finish() : translator.push(parseJson(data));
        send(controller, events);
        if (translator.ended) {
          await close(controller, done);
          return;
        }
        if (events.length > 0) return;
      }
    },
    async cancel(reason) {
      closed = true;
      stopPings?.();
      await reader.cancel(reason).catch(() => undefined);
    },
  });
}

/** Reads what is left of an upstream that has sent `[DONE]` (normally nothing); cuts it after `graceMs`. */
async function drainToEnd(reader: ReadableStreamDefaultReader<unknown>, graceMs: number): Promise<void> {
  const timer = setTimeout(() => void reader.cancel().catch(() => undefined), graceMs);
  timer.unref?.();
  try {
    while (!(await reader.read()).done) {
      // events after [DONE] carry nothing for the client
    }
  } catch {
    // the upstream failed after the reply was complete: nothing left to tell the client
  } finally {
    clearTimeout(timer);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
