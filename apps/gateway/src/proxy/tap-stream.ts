import { StreamTap } from "./stream-tap.js";

/** How a tapped stream ended. */
export interface TapResult {
  outcome: "ok" | "error" | "aborted";
  /** The last ~64 KiB (`TapOptions.tailBytes`) of the body as text (usage lives there). */
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
  /**
   * Bytes appended when the upstream fails mid-stream, so the client sees an error event, not a cut;
   * `tail` is what passed through last (a Responses error event continues its sequence numbers).
   */
  errorFrame: (message: string, tail: string) => Uint8Array;
  /** Called exactly once. */
  onFinish: (result: TapResult) => void;
  /** Bytes of the body's end kept for `onFinish` (`TapResult.tail`); default 64 KiB. */
  tailBytes?: number | undefined;
}

/**
 * Passes an upstream SSE body through untouched while keeping its tail (for usage) and the first / last
 * data times (TTFT, tokens/s). One timer per stream implements the idle cut. A client cancel aborts the
 * upstream request.
 */
export function tapStream(source: ChunkSource, options: TapOptions): ReadableStream<Uint8Array> {
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
