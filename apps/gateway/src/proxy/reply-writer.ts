import type { IncomingMessage, ServerResponse } from "node:http";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { pipeTapped } from "./pipe-tapped.js";
import { type TapOptions, tapStream } from "./tap-stream.js";

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
