import type { IncomingMessage, ServerResponse } from "node:http";
import { TailBuffer } from "./tail-buffer.js";
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
  const tail = new TailBuffer();
  let firstDataAt: number | null = null;
  let lastDataAt: number | null = null;
  let dataChunks = 0;
  let lastActivity = performance.now();
  let finished = false;
  let idleCut = false;
  let timer: NodeJS.Timeout | undefined;

  const finish = (outcome: TapResult["outcome"], error: unknown = undefined) => {
    if (finished) return false;
    finished = true;
    if (timer !== undefined) clearTimeout(timer);
    message.off("data", onData);
    outgoing.off("drain", onDrain);
    try {
      options.onFinish({ outcome, tail: tail.text(), firstDataAt, lastDataAt, dataChunks, error });
    } catch (failure) {
      // This runs in a stream event handler: a throw here would take the process down with it.
      process.emitWarning(failure instanceof Error ? failure : String(failure), "HelexaSettleWarning");
    }
    return true;
  };
  const arm = (delay: number) => {
    timer = setTimeout(() => {
      const idle = performance.now() - lastActivity;
      if (idle >= options.idleTimeoutMs) {
        idleCut = true;
        options.abortUpstream("idle timeout");
      } else arm(options.idleTimeoutMs - idle);
    }, delay);
    timer.unref?.();
  };
  const onData = (chunk: Buffer) => {
    const now = performance.now();
    lastActivity = now;
    tail.push(chunk);
    // An SSE comment (`: keep-alive`) is not a token.
    if (chunk.byteLength > 0 && chunk[0] !== 58) {
      firstDataAt ??= now;
      lastDataAt = now;
      dataChunks++;
    }
    if (!outgoing.write(chunk)) message.pause();
  };
  const onDrain = () => message.resume();
  const fail = (error: unknown) => {
    const message = idleCut ? "upstream stalled (idle timeout)" : "upstream stream failed";
    if (finish("error", error) && !outgoing.destroyed) outgoing.end(options.errorFrame(message));
  };

  arm(options.idleTimeoutMs);
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
