import type { IncomingMessage, ServerResponse } from "node:http";
import { StreamTap } from "./stream-tap.js";
import type { TapOptions, TapResult } from "./tap-stream.js";

/**
 * `tapStream` for the real server: pipes an upstream SSE body straight into the client's Node response
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
