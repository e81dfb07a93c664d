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
 * What both stream writers (`nodeReplyWriter`, `webReplyWriter`) keep about a body
 * passing through: its tail (usage lives there), first / last data times, data chunk count, one idle timer,
 * and the single `onFinish` call.
 */
export class StreamTap {
  readonly #options: TapOptions;
  readonly #tail: TailBuffer;
  #firstDataAt: number | null = null;
  #lastDataAt: number | null = null;
  #dataChunks = 0;
  #lastActivity = performance.now();
  #finished = false;
  #idleCut = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: TapOptions) {
    this.#options = options;
    this.#tail = new TailBuffer(options.tailBytes);
    this.#arm(options.idleTimeoutMs);
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** Records a chunk on its way to the client. */
  observe(chunk: Uint8Array): void {
    this.#tail.push(chunk);
    // An SSE comment (`: keep-alive`) is neither a token nor progress: a neuron whose worker hangs keeps
    // writing them, and they must not hold off the idle cut.
    if (carriesData(chunk)) {
      const now = performance.now();
      this.#lastActivity = now;
      this.#firstDataAt ??= now;
      this.#lastDataAt = now;
      this.#dataChunks++;
    }
  }

  /** The last bytes that passed through, as text. */
  tail(): string {
    return this.#tail.text();
  }

  /** The text of the error event sent when the upstream fails mid-stream. */
  failureMessage(): string {
    return this.#idleCut ? "upstream stalled (idle timeout)" : "upstream stream failed";
  }

  /** Ends the tap once; false when it had already ended. Never throws (it runs in stream callbacks). */
  finish(outcome: TapResult["outcome"], error: unknown = undefined): boolean {
    if (this.#finished) return false;
    this.#finished = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    try {
      this.#options.onFinish({
        outcome,
        tail: this.#tail.text(),
        firstDataAt: this.#firstDataAt,
        lastDataAt: this.#lastDataAt,
        dataChunks: this.#dataChunks,
        error,
      });
    } catch (failure) {
      // A throw here would escape a stream event handler and take the process down with it.
      process.emitWarning(failure instanceof Error ? failure : String(failure), "HelexaSettleWarning");
    }
    return true;
  }

  #arm(delay: number): void {
    this.#timer = setTimeout(() => {
      const idle = performance.now() - this.#lastActivity;
      if (idle >= this.#options.idleTimeoutMs) {
        this.#idleCut = true;
        this.#options.abortUpstream("idle timeout");
      } else this.#arm(this.#options.idleTimeoutMs - idle);
    }, delay);
    this.#timer.unref?.();
  }
}

/** Whether a chunk holds anything but SSE comment lines (`:` first) and blank lines. */
function carriesData(chunk: Uint8Array): boolean {
  let lineStart = true;
  for (const byte of chunk) {
    if (byte === 10 || byte === 13) lineStart = true;
    else if (lineStart) {
      if (byte !== 58) return true;
      lineStart = false;
    }
  }
  return false;
}

const decoder = new TextDecoder();

/** Keeps the last `capacity` bytes (at least) of a byte stream without copying each chunk. */
class TailBuffer {
  private chunks: Uint8Array[] = [];
  private size = 0;

  constructor(private readonly capacity = 64 * 1024) {}

  push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.size += chunk.byteLength;
    while (this.chunks.length > 1 && this.size - (this.chunks[0]?.byteLength ?? 0) >= this.capacity) {
      this.size -= this.chunks.shift()?.byteLength ?? 0;
    }
  }

  /** The kept bytes as text (a split UTF-8 sequence at the start decodes to U+FFFD, harmlessly). */
  text(): string {
    if (this.chunks.length === 1) return decoder.decode(this.chunks[0]);
    const joined = new Uint8Array(this.size);
    let offset = 0;
    for (const chunk of this.chunks) {
      joined.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return decoder.decode(joined);
  }
}
