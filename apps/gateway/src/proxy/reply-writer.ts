import type { ServerResponse } from "node:http";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { Usage } from "../entitlements/entitlements.js";
import type { BodyReader, UpstreamBody } from "./create-upstream-client.js";

/*
 * How the chosen neuron's reply reaches the client: a writer per output mode (`nodeReplyWriter`,
 * `webReplyWriter`), what both keep about a stream passing through (`StreamTap`: tail, data times, the
 * idle cut) and the usage read from the tail at the end (`readUsage`).
 */

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
  stream(body: UpstreamBody, head: ReplyHead, tap: TapOptions): WrittenReply;
  /** A body read whole, sent with its length. */
  whole(head: ReplyHead, bytes: Uint8Array): WrittenReply;
}

/** Writes straight into the client's Node response (the production path): nothing is built per reply. */
export function nodeReplyWriter(outgoing: ServerResponse): ReplyWriter {
  return {
    stream(body, head, tap) {
      pipeTapped(body, outgoing, head, tap);
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
  stream(body, head, tap) {
    return new Response(tapStream(body[Symbol.asyncIterator](), tap), head);
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
  body: UpstreamBody,
  outgoing: ServerResponse,
  head: { status: number; headers: Record<string, string> },
  options: TapOptions,
): void {
  const tap = new StreamTap(options);
  const onDrain = () => body.resume();
  const finish = (outcome: TapResult["outcome"], error: unknown = undefined) => {
    if (!tap.finish(outcome, error)) return false;
    outgoing.off("drain", onDrain);
    return true;
  };
  let written = false;
  const reader: BodyReader = {
    data(chunk) {
      if (tap.finished) return;
      written = true;
      tap.observe(chunk);
      if (!outgoing.write(chunk)) body.pause();
    },
    end() {
      if (tap.finished) return;
      // The last bytes go out first (`end` uncorks the socket); the bookkeeping follows in the same turn.
      try {
        outgoing.end();
      } finally {
        finish("ok");
      }
    },
    fail(error) {
      // A client that went away aborts the upstream, which fails the body: that stream was abandoned.
      if (outgoing.destroyed) {
        finish("aborted", error);
        return;
      }
      const text = tap.failureMessage();
      if (finish("error", error)) outgoing.end(options.errorFrame(text, tap.tail()));
    },
  };

  outgoing.writeHead(head.status, head.headers);
  outgoing.on("drain", onDrain);
  outgoing.once("close", () => {
    if (finish("aborted")) options.abortUpstream("client disconnected");
  });
  // What already arrived is handed over now, so headers and first chunk go out in one write.
  body.read(reader);
  if (!written && !tap.finished) outgoing.flushHeaders();
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
class StreamTap {
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

  /** Whether `finish` was called. */
  get finished(): boolean {
    return this.#finished;
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

/**
 * Token usage from the tail of a reply (a JSON body or an SSE stream): the last integer after
 * `"prompt_tokens"` / `"completion_tokens"` (chat, completions), else after `"input_tokens"` /
 * `"output_tokens"` (Responses). The quoted keys never match `*_details`. `cachedTokens` is the last
 * `"cached_tokens"` (in `prompt_tokens_details` / `input_tokens_details`), at most the prompt, and absent
 * when the reply did not say. Null when no usage was sent.
 */
export function readUsage(text: string): Usage | null {
  const prompt = lastIntegerAfter(text, '"prompt_tokens"');
  const completion = lastIntegerAfter(text, '"completion_tokens"');
  if (prompt !== null || completion !== null) {
    return withCached(text, { promptTokens: prompt ?? 0, completionTokens: completion ?? 0 });
  }
  const input = lastIntegerAfter(text, '"input_tokens"');
  const output = lastIntegerAfter(text, '"output_tokens"');
  if (input !== null || output !== null)
    return withCached(text, { promptTokens: input ?? 0, completionTokens: output ?? 0 });
  return null;
}

function withCached(text: string, usage: Usage): Usage {
  const cached = lastIntegerAfter(text, '"cached_tokens"');
  return cached === null ? usage : { ...usage, cachedTokens: Math.min(cached, usage.promptTokens) };
}

function lastIntegerAfter(text: string, key: string): number | null {
  let index = text.lastIndexOf(key);
  while (index >= 0) {
    const value = integerAt(text, index + key.length);
    if (value !== null) return value;
    index = index === 0 ? -1 : text.lastIndexOf(key, index - 1);
  }
  return null;
}

function integerAt(text: string, start: number): number | null {
  let position = start;
  while (isSpace(text.charCodeAt(position))) position++;
  if (text.charCodeAt(position) !== 58 /* : */) return null;
  position++;
  while (isSpace(text.charCodeAt(position))) position++;
  const first = position;
  while (position < text.length) {
    const code = text.charCodeAt(position);
    if (code < 48 || code > 57) break;
    position++;
  }
  if (position === first) return null;
  const next = text.charCodeAt(position);
  if (next === 46 /* . */ || next === 101 || next === 69 /* e E */) return null;
  return Number(text.slice(first, position));
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}
