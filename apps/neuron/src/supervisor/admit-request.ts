import { contextLengthExceeded, HelexaError } from "@helexa/core";
import { notServing } from "../internal/not-serving.js";
import type { EngineRequest } from "../ipc/engine-request.js";
import type { GenerationUsage } from "../ipc/generation-event.js";
import { maxPromptTokens } from "../ipc/max-prompt-tokens.js";
import { promptFieldOf } from "../ipc/prompt-field-of.js";
import type { WorkerCountResult } from "../ipc/worker-protocol.js";
import type { AdmissionTicket } from "./admission-queue.js";
import { type AdmittedGeneration, admitRun } from "./admit-run.js";
import type { GenerateOptions, ModelBackend, StartedGeneration } from "./model-backend.js";
import type { ModelEntry } from "./model-entry.js";
import type { RegistryObserver } from "./registry-observer.js";

/** How a request is admitted: streamed or not, and who hears its final usage (see `admitRun`). */
export interface AdmitOptions extends GenerateOptions {
  onUsage?: ((usage: GenerationUsage | null) => void) | undefined;
}

/** What the admission path needs from the registry. */
export interface AdmitContext {
  /** The entry serving `id` now; throws 404 / 503 otherwise. */
  serving(id: string): ModelEntry;
  /** Counts in the model's worker (and records the calibration). */
  count(id: string, request: EngineRequest): Promise<WorkerCountResult & { contextSize: number }>;
  observer: RegistryObserver | undefined;
}

/**
 * A request's way to its generation. When a place is free at once, counting and generation go to the
 * worker as one message (`start`). Otherwise: count, refuse with 400 when the prompt cannot fit, wait
 * for a place (or 503), then generate. `stream: false` lets the worker send the events all at once at
 * the end. The generation holds its place until its events end.
 */
export async function admitRequest(
  context: AdmitContext,
  id: string,
  request: EngineRequest,
  signal: AbortSignal,
  options: AdmitOptions,
): Promise<AdmittedGeneration> {
  const { observer } = context;
  const entry = context.serving(id);
  const backend = entry.backend;
  const free = backend !== undefined && !entry.closing && !signal.aborted;
  const ticket = free ? entry.admission.tryEnter() : undefined;
  if (backend !== undefined && ticket !== undefined)
    return startAtOnce(entry, backend, request, ticket, signal, options, observer);
  const counted = await context.count(id, request);
  const max = maxPromptTokens(counted.contextSize);
  if (counted.promptTokens > max) {
    observer?.refused?.(id, "context_length");
    throw contextLengthExceeded(max, counted.promptTokens, false, promptFieldOf(request));
  }
  const current = context.serving(id);
  const queued = Date.now();
  const waited = await current.admission.enter(signal).catch((error: unknown) => {
    if (HelexaError.is(error) && error.code === "rate_limit_exceeded") observer?.refused?.(id, "admission");
    throw error;
  });
  observer?.admitted?.(id, (Date.now() - queued) / 1000);
  const admitted = current.backend;
  if (admitted === undefined || current.status !== "loaded" || current.closing) {
    waited.release();
    throw notServing(current);
  }
  const run = admitRun({
    entry: current,
    ticket: waited,
    signal,
    observer,
    stream: options.stream,
    onUsage: options.onUsage,
  });
  return run.track(counted.promptTokens, () => admitted.generate(request, run.signal, options));
}

async function startAtOnce(
  entry: ModelEntry,
  backend: ModelBackend,
  request: EngineRequest,
  ticket: AdmissionTicket,
  signal: AbortSignal,
  options: AdmitOptions,
  observer: RegistryObserver | undefined,
): Promise<AdmittedGeneration> {
  const run = admitRun({ entry, ticket, signal, observer, stream: options.stream, onUsage: options.onUsage });
  let started: StartedGeneration;
  try {
    started = await backend.start(request, run.signal, options);
  } catch (error) {
    // An unload that ended the request while it started (its worker may be gone by now): the
    // request ends as any running one does, with the unload's error event.
    if (run.failure !== undefined) return run.track(0, () => []);
    run.cancel();
    if (HelexaError.is(error) && error.code === "context_length_exceeded")
      observer?.refused?.(entry.id, "context_length");
    throw error;
  }
  entry.characters += started.counted.characters;
  entry.textTokens += started.counted.textTokens;
  observer?.admitted?.(entry.id, 0);
  return run.track(started.counted.promptTokens, () => started.events);
}
