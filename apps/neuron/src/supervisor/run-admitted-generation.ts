import type { EngineRequest } from "../ipc/engine-request.js";
import type { GenerationEvent } from "../ipc/generation-event.js";
import type { AdmissionTicket } from "./admission-queue.js";
import type { ModelBackend } from "./model-backend.js";
import type { ModelEntry, RunningGeneration } from "./model-entry.js";
import type { RegistryObserver } from "./registry-observer.js";

/** An admitted request: its prompt size and its events, which end with `done` or `error`. */
export interface AdmittedGeneration {
  promptTokens: number;
  events: AsyncIterable<GenerationEvent>;
}

interface RunOptions {
  entry: ModelEntry;
  backend: ModelBackend;
  request: EngineRequest;
  ticket: AdmissionTicket;
  signal: AbortSignal;
  promptTokens: number;
  observer: RegistryObserver | undefined;
  /** Whether the caller reads the events as they come. */
  stream: boolean;
}

/**
 * Wraps a backend generation so the admission place is released when it ends however it ends (done,
 * error, client gone, consumer stopped), and so an unload can end it with an error event.
 */
export function runAdmittedGeneration(options: RunOptions): AdmittedGeneration {
  const { entry, backend, request, ticket, signal, promptTokens, observer, stream } = options;
  const controller = new AbortController();
  const onClientAbort = () => controller.abort();
  let failure: string | undefined;
  const handle: RunningGeneration = {
    fail(message) {
      failure ??= message;
      controller.abort();
    },
  };
  async function* events(): AsyncGenerator<GenerationEvent> {
    const started = Date.now();
    let firstAt: number | undefined;
    let finished = false;
    signal.addEventListener("abort", onClientAbort, { once: true });
    if (signal.aborted) controller.abort();
    entry.running.add(handle);
    try {
      for await (const event of backend.generate(request, controller.signal, { stream })) {
        if (failure !== undefined) break;
        if (firstAt === undefined && (event.type === "delta" || event.type === "tool_call")) {
          firstAt = Date.now();
          if (stream) observer?.firstToken?.(entry.id, (firstAt - started) / 1000);
        }
        if (event.type === "done") {
          finished = true;
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
        }
        yield event;
      }
      if (failure !== undefined) {
        if (!finished)
          observer?.generationFinished?.(entry.id, "error", undefined, (Date.now() - started) / 1000);
        yield { type: "error", message: failure };
      }
    } finally {
      signal.removeEventListener("abort", onClientAbort);
      entry.running.delete(handle);
      if (!controller.signal.aborted && !finished) controller.abort();
      ticket.release();
    }
  }
  return { promptTokens, events: events() };
}
