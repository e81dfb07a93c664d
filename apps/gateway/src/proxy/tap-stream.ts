import { TailBuffer } from "./tail-buffer.js";

/** How a tapped stream ended. */
export interface TapResult {
  outcome: "ok" | "error" | "aborted";
  /** The last ~64 KiB of the body as text (usage lives there). */
  tail: string;
  /** performance.now() of the first data frame (not an SSE comment), or null. */
  firstDataAt: number | null;
  lastDataAt: number | null;
  /** Chunks that carried data (not SSE comments): a rough token count when no usage was sent. */
  dataChunks: number;
  error: unknown;
}

/** Where the bytes come from: a Node stream's async iterator (or anything shaped like it). */
export type ChunkSource = AsyncIterator<Uint8Array>;

export interface TapOptions {
  /** Cut the upstream when no byte arrived for this long. */
  idleTimeoutMs: number;
  /** Aborts the upstream request (idle timeout, client gone). */
  abortUpstream: (reason: string) => void;
  /** Bytes appended when the upstream fails mid-stream, so the client sees an error event, not a cut. */
  errorFrame: (message: string) => Uint8Array;
  /** Called exactly once. */
  onFinish: (result: TapResult) => void;
}

/**
 * Passes an upstream SSE body through untouched while keeping its tail (for usage) and the first / last
 * data times (TTFT, tokens/s). One timer per stream implements the idle cut. A client cancel aborts the
 * upstream request.
 */
export function tapStream(source: ChunkSource, options: TapOptions): ReadableStream<Uint8Array> {
  const reader = source;
  const tail = new TailBuffer();
  let firstDataAt: number | null = null;
  let lastDataAt: number | null = null;
  let dataChunks = 0;
  let lastActivity = performance.now();
  let finished = false;
  let idleCut = false;
  let timer: NodeJS.Timeout | undefined;

  const finish = (outcome: TapResult["outcome"], error: unknown = undefined) => {
    if (finished) return;
    finished = true;
    if (timer !== undefined) clearTimeout(timer);
    options.onFinish({ outcome, tail: tail.text(), firstDataAt, lastDataAt, dataChunks, error });
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
  arm(options.idleTimeoutMs);

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.next();
          if (done) {
            finish("ok");
            controller.close();
            return;
          }
          const now = performance.now();
          lastActivity = now;
          tail.push(value);
          // An SSE comment (`: keep-alive`) is not a token.
          if (value.byteLength > 0 && value[0] !== 58) {
            if (firstDataAt === null) firstDataAt = now;
            lastDataAt = now;
            dataChunks++;
          }
          controller.enqueue(value);
        } catch (error) {
          if (finished) return;
          const message = idleCut ? "upstream stalled (idle timeout)" : "upstream stream failed";
          finish("error", error);
          controller.enqueue(options.errorFrame(message));
          controller.close();
        }
      },
      cancel(reason) {
        finish("aborted", reason);
        options.abortUpstream("client disconnected");
        void reader.return?.(reason)?.catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
}
