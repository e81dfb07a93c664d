import type { GenerationEvent, GenerationUsage } from "../ipc/generation-event.js";
import type { AdmissionTicket } from "./admission-queue.js";
import type { ModelEntry, RunningGeneration } from "./model-entry.js";
import type { RegistryObserver } from "./registry-observer.js";

/** An admitted request: its prompt size and its events, which end with `done` or `error`. */
export interface AdmittedGeneration {
  promptTokens: number;
  events: AsyncIterable<GenerationEvent>;
}

type Events = AsyncIterable<GenerationEvent> | Iterable<GenerationEvent>;

interface TrackOptions {
  entry: ModelEntry;
  ticket: AdmissionTicket;
  /** The client's signal. */
  signal: AbortSignal;
  observer: RegistryObserver | undefined;
  /** Whether the caller reads the events as they come. */
  stream: boolean;
  /**
   * Called once with the generation's final usage. A streamed generation that ends in an error reports
   * what it made before (its prompt and the tokens its deltas released), the usage its error event then
   * carries; null when a whole (non-streamed) reply fails (nothing reaches the client, nothing is
   * charged), or no `done` came within {@link ABANDONED_DRAIN_MS} of an abandonment. A consumer that stops early (the client left)
   * does not skip it: the backend's remaining events are read in the background until its `done`.
   */
  onUsage?: ((usage: GenerationUsage | null) => void) | undefined;
}

/** How long an abandoned generation's `done` (with the tokens made before the abort) is waited for. */
export const ABANDONED_DRAIN_MS = 30_000;

/** An admitted request whose admission place is held until its events end. */
export interface AdmittedRun {
  /** Aborts when the client leaves, an unload ends the request, or its consumer stops early. */
  readonly signal: AbortSignal;
  /** Wraps the backend's events (opened on first read); the place is released when they end, however. */
  track(promptTokens: number, open: () => Events): AdmittedGeneration;
  /** Gives the place back when no generation started (the backend refused the request). */
  cancel(): void;
  /** Why the registry ended the request (an unload), once it did. */
  readonly failure: string | undefined;
}

/**
 * Holds an admission place for a request from now on: the client's abort and an unload (which ends it
 * with an error event) reach the backend through `signal`; metrics see the first token and the end.
 */
export function admitRun(options: TrackOptions): AdmittedRun {
  const { entry, ticket, signal, observer, stream } = options;
  const started = Date.now();
  const controller = new AbortController();
  const onClientAbort = () => controller.abort();
  let failure: string | undefined;
  const handle: RunningGeneration = {
    fail(message) {
      failure ??= message;
      controller.abort();
    },
  };
  signal.addEventListener("abort", onClientAbort, { once: true });
  if (signal.aborted) controller.abort();
  entry.running.add(handle);
  const settle = () => {
    signal.removeEventListener("abort", onClientAbort);
    entry.running.delete(handle);
    ticket.release();
  };
  let reported = false;
  const report = (usage: GenerationUsage | null) => {
    if (reported) return;
    reported = true;
    options.onUsage?.(usage);
  };
  async function* events(promptTokens: number, open: () => Events): AsyncGenerator<GenerationEvent> {
    let firstAt: number | undefined;
    let finished = false;
    let generated = 0;
    // What a generation that broke off generated: the prompt and the tokens released so far.
    const generatedSoFar = (): GenerationUsage => ({
      promptTokens,
      completionTokens: generated,
      cachedTokens: 0,
      reasoningTokens: 0,
    });
    // A streamed one is charged that (and its error event says so); a whole answer that failed was never
    // sent, so it is charged nothing.
    const partial = (): GenerationUsage | null => (stream ? generatedSoFar() : null);
    const failed = (event: Extract<GenerationEvent, { type: "error" }>): GenerationEvent => {
      const usage = partial();
      report(usage);
      return usage === null ? event : { ...event, usage };
    };
    const source = open();
    const iterator =
      Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : toAsync(source[Symbol.iterator]());
    let exhausted = false;
    try {
      while (true) {
        const next = await iterator.next();
        if (next.done === true) {
          exhausted = true;
          break;
        }
        const event = next.value;
        if (failure !== undefined) break;
        if (event.type === "delta") generated += event.tokens ?? 0;
        if (firstAt === undefined && (event.type === "delta" || event.type === "tool_call")) {
          firstAt = Date.now();
          if (stream) observer?.firstToken?.(entry.id, (firstAt - started) / 1000);
        }
        if (event.type === "done") {
          finished = true;
          report(event.usage);
          if (!stream && (firstAt !== undefined || event.firstTokenLeadMs !== undefined)) {
            // Held events all arrive at the end; the first token came `firstTokenLeadMs` before it.
            const at = event.firstTokenLeadMs === undefined ? firstAt : Date.now() - event.firstTokenLeadMs;
            observer?.firstToken?.(entry.id, Math.max(0, ((at ?? started) - started) / 1000));
          }
          observer?.generationFinished?.(
            entry.id,
            event.finishReason,
            event.usage,
            (Date.now() - started) / 1000,
          );
        } else if (event.type === "error") {
          finished = true;
          observer?.generationFinished?.(entry.id, "error", undefined, (Date.now() - started) / 1000);
          yield failed(event);
          continue;
        }
        yield event;
      }
      if (failure !== undefined) {
        if (!finished)
          observer?.generationFinished?.(entry.id, "error", undefined, (Date.now() - started) / 1000);
        yield failed({ type: "error", message: failure });
      }
    } finally {
      if (!controller.signal.aborted && !finished) controller.abort();
      settle();
      if (exhausted || reported) {
        if (!exhausted) void Promise.resolve(iterator.return?.()).catch(() => {});
        report(null);
      } else {
        // The consumer left before the end: read on until the backend's `done` says what was generated.
        // If it breaks off instead (the abort reached it before its first token), what it released is
        // what it generated: the client is charged that, never the whole hold.
        void drainAbandoned(
          iterator,
          (tokens) => {
            generated += tokens;
          },
          (event) => {
            if (event !== null) {
              observer?.generationFinished?.(
                entry.id,
                event.finishReason,
                event.usage,
                (Date.now() - started) / 1000,
              );
            }
            report(event?.usage ?? generatedSoFar());
          },
        );
      }
    }
  }
  return {
    signal: controller.signal,
    track: (promptTokens, open) => ({ promptTokens, events: events(promptTokens, open) }),
    cancel: settle,
    get failure() {
      return failure;
    },
  };
}

async function* toAsync<T>(iterator: Iterator<T>): AsyncGenerator<T> {
  while (true) {
    const next = iterator.next();
    if (next.done === true) return;
    yield next.value;
  }
}

/** Reads an abandoned generation's remaining events for its final usage, for at most `ABANDONED_DRAIN_MS`. */
async function drainAbandoned(
  iterator: AsyncIterator<GenerationEvent>,
  onTokens: (tokens: number) => void,
  finish: (done: Extract<GenerationEvent, { type: "done" }> | null) => void,
): Promise<void> {
  let finished = false;
  const report = (done: Extract<GenerationEvent, { type: "done" }> | null) => {
    if (finished) return;
    finished = true;
    finish(done);
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ABANDONED_DRAIN_MS);
    timer.unref?.();
  });
  try {
    while (true) {
      const next = await Promise.race([iterator.next(), timeout]);
      if (next === "timeout" || next.done === true) break;
      if (next.value.type === "delta") onTokens(next.value.tokens ?? 0);
      if (next.value.type === "done") {
        report(next.value);
        break;
      }
      if (next.value.type === "error") break;
    }
  } catch {
    // The backend failed while draining: nothing more to learn.
  } finally {
    clearTimeout(timer);
    report(null);
    void Promise.resolve(iterator.return?.()).catch(() => {});
  }
}
