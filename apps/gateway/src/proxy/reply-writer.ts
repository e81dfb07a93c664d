import type { IncomingMessage, ServerResponse } from "node:http";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { StreamTap, type TapOptions, type TapResult } from "./stream-tap.js";

/** A reply's status and headers. */
export interface ReplyHead {
  status: number;
  headers: Record<string, string>;
}

/** What a writer gives back: the `Response` it built, or @hono/node-server's marker when it wrote one. */
export type WrittenReply = Response | typeof RESPONSE_ALREADY_SENT;

/**
 * How the chosen neuron's reply reaches the client: one writer per output mode, so dispatch decides what to
 * send and the writer only how.
 */
export interface ReplyWriter {
  /** An SSE body, passed through a tap (usage tail, data times, idle cut) as it comes. */
  stream(message: IncomingMessage, head: ReplyHead, tap: TapOptions): WrittenReply;
  /** A body read whole, sent with its length. */
  whole(head: ReplyHead, bytes: Uint8Array): WrittenReply;
}

/** Writes straight into the client's Node response (the production path): nothing is built per reply. */
export function nodeReplyWriter(outgoing: ServerResponse): ReplyWriter {
  return {
    stream(message, head, tap) {
      pipeTapped(message, outgoing, head, tap);
      return RESPONSE_ALREADY_SENT;
    },
    whole(head, bytes) {
      // The body is forwarded whole, so its length is known whatever framing the neuron used.
      head.headers["content-length"] = String(bytes.byteLength);
      outgoing.writeHead(head.status, head.headers).end(bytes);
      return RESPONSE_ALREADY_SENT;
    },
  };
}

/**
 * Builds a WHATWG `Response` (for the Hono app's middleware, the translated Anthropic routes and a cold-load
 * stream's keep-alives, which wrap it).
 */
export const webReplyWriter: ReplyWriter = {
  stream(message, head, tap) {
    return new Response(tapStream(message[Symbol.asyncIterator](), tap), head);
  },
  whole(head, bytes) {
    return new Response(bytes, head);
  },
};

/**
 * The Node writer's stream: pipes an upstream SSE body straight into the client's Node response
 * (no WHATWG stream in between), keeping the tail and data times the same way. Headers go out with the
 * first chunk when it came in the same read as the upstream's headers (one write), else at once on their
 * own: nothing is held back. Backpressure pauses the upstream; an idle upstream is cut; a failure after
 * the headers ends the body with `errorFrame`; a client that goes away aborts the upstream.
 */
export function pipeTapped(
  message: IncomingMessage,
  outgoing: ServerResponse,
  head: { status: number; headers: Record<string, string> },
  options: TapOptions,
): void {
  const tap = new StreamTap(options);
  const finish = (outcome: TapResult["outcome"], error: unknown = undefined) => {
    if (!tap.finish(outcome, error)) return false;
    message.off("data", onData);
    outgoing.off("drain", onDrain);
    return true;
  };
  const onData = (chunk: Buffer) => {
    tap.observe(chunk);
    if (!outgoing.write(chunk)) message.pause();
  };
  const onDrain = () => message.resume();
  const fail = (error: unknown) => {
    const text = tap.failureMessage();
    if (finish("error", error) && !outgoing.destroyed) outgoing.end(options.errorFrame(text, tap.tail()));
  };

  outgoing.writeHead(head.status, head.headers);
  const first = message.readableLength > 0 ? (message.read() as Buffer | null) : null;
  if (first !== null) onData(first);
  else outgoing.flushHeaders();
  message.on("data", onData);
  outgoing.on("drain", onDrain);
  message.once("end", () => {
    if (finish("ok")) outgoing.end();
  });
  message.once("error", fail);
  message.once("close", () => {
    if (!message.complete) fail(new Error("upstream closed the connection mid-body"));
  });
  outgoing.once("close", () => {
    if (finish("aborted")) options.abortUpstream("client disconnected");
  });
}

/**
 * Passes an upstream SSE body through untouched while keeping its tail (for usage) and the first / last
 * data times (TTFT, tokens/s). One timer per stream implements the idle cut. A client cancel aborts the
 * upstream request.
 */
function tapStream(source: AsyncIterator<Uint8Array>, options: TapOptions): ReadableStream<Uint8Array> {
  const reader = source;
  const tap = new StreamTap(options);

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.next();
          if (done) {
            tap.finish("ok");
            controller.close();
            return;
          }
          tap.observe(value);
          controller.enqueue(value);
        } catch (error) {
          if (!tap.finish("error", error)) return;
          controller.enqueue(options.errorFrame(tap.failureMessage(), tap.tail()));
          controller.close();
        }
      },
      cancel(reason) {
        tap.finish("aborted", reason);
        options.abortUpstream("client disconnected");
        void reader.return?.(reason)?.catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
}
