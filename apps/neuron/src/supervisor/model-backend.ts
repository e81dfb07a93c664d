import type { PrefixCacheSummary } from "@helexa/core";
import type { EngineRequest } from "../ipc/engine-request.js";
import type { GenerationEvent } from "../ipc/generation-event.js";
import type { WorkerCountResult, WorkerLoadSpec, WorkerModelInfo } from "../ipc/worker-protocol.js";

/** A generation started by `start`: the prompt's count and the events, as `generate` gives them. */
export interface StartedGeneration {
  counted: WorkerCountResult;
  events: AsyncIterable<GenerationEvent>;
}

export interface GenerateOptions {
  /** Whether the caller reads events as they come (a streamed reply). */
  stream: boolean;
}

/** Progress of a load, as shown in `/health` `activation.progress`. */
export interface LoadProgressUpdate {
  phase: "downloading" | "loading";
  fraction: number;
  downloadedBytes?: number;
  totalBytes?: number;
}

/**
 * A loaded model as the supervisor sees it (the neuron's `InferenceEngine`): in production a forked
 * worker process; in unit tests a fake. `count` throws a `HelexaError` for requests it refuses.
 */
export interface ModelBackend {
  readonly info: WorkerModelInfo;
  count(request: EngineRequest): Promise<WorkerCountResult>;
  /**
   * Events until `done` or `error`; aborting the signal ends the generation early (`done` with `abort`).
   * `stream: false` lets the backend deliver them all at the end (nobody reads them sooner).
   */
  generate(
    request: EngineRequest,
    signal: AbortSignal,
    options: GenerateOptions,
  ): AsyncIterable<GenerationEvent>;
  /**
   * `count`, then, when the prompt fits the context, `generate` at once from the same rendering (one
   * round trip to the worker). Rejects as `count` does, and with 400 `context_length_exceeded` for a
   * prompt over the context; nothing runs then.
   */
  start(request: EngineRequest, signal: AbortSignal, options: GenerateOptions): Promise<StartedGeneration>;
  /** What its sequences hold, for cache-aware routing (`/health` `prefix_cache`); backends that cannot tell leave it out. */
  prefixCache?(): PrefixCacheSummary | undefined;
  /** Called once if the backend dies on its own (not after `dispose`). */
  onExit(listener: (reason: string) => void): void;
  /**
   * Called once if the backend stops making progress while it has work; it has then ended its requests
   * and is killing itself (`onExit` follows). Backends that cannot stall leave it out.
   */
  onStall?(listener: (reason: string) => void): void;
  /** Ends the backend and frees everything it holds. */
  dispose(): Promise<void>;
}

/** Starts a backend for a spec; rejects with a `HelexaError` saying why when the load fails. */
export type BackendFactory = (
  spec: WorkerLoadSpec,
  onProgress: (progress: LoadProgressUpdate) => void,
) => Promise<ModelBackend>;
