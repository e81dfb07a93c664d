import type { EngineRequest } from "./engine-request.js";
import type { GenerationEvent } from "./generation-event.js";

/** How a worker gets its weights and shapes its context. */
export interface WorkerLoadSpec {
  modelId: string;
  source:
    | { kind: "path"; path: string }
    /** `allowedHosts`: `allowed_download_hosts`, checked on every redirect of the download. */
    | { kind: "uri"; uri: string; directory: string; allowedHosts: string[] };
  /** Per sequence; absent = the model's training context capped at 8192. */
  contextSize?: number;
  sequences: number;
  gpu: "auto" | "cuda" | "vulkan" | "cpu";
  threads: number;
  gpuLayers: "auto" | "max" | number;
  /** GPUs the worker may see (`CUDA_VISIBLE_DEVICES`); absent = all. */
  devices?: number[];
  /**
   * Host memory for the KV states of sequences about to be overwritten (`[prefix_cache] host_memory_mb`);
   * absent or 0 = none kept.
   */
  hostStateBytes?: number;
  /** Largest completion a request may ask for; absent = the room left in the context. */
  maxOutputTokens?: number;
  /**
   * How long the supervisor waits for any message from a worker that has work before it calls it stalled
   * (`[admission] stall_timeout_secs`); the worker sends heartbeats well within it. Absent = 30 s.
   */
  stallTimeoutMs?: number;
}

/** What a loaded worker reports about its model. */
export interface WorkerModelInfo {
  contextSize: number;
  sequences: number;
  trainContextSize: number;
  /** Backend actually in use: "cuda" | "vulkan" | "metal" | "cpu". */
  gpu: string;
  chatWrapper: string;
  toolCall: boolean;
  reasoning: boolean;
  /** Bytes of VRAM the worker's process has in use, when on a GPU. */
  vramUsedBytes?: number;
}

/** A failure the worker attributes to the request (rendered as that status), or an internal one. */
export interface WorkerError {
  statusCode: number;
  code: string | null;
  message: string;
  param?: string | null;
  extras?: Record<string, unknown>;
}

export interface WorkerCountResult {
  promptTokens: number;
  /**
   * UTF-8 bytes of message text alone, as cortex's estimator counts characters; with `textTokens`, 0
   * for a chat count the worker did not sample for the calibration.
   */
  characters: number;
  /** Tokens of that message text alone, without template or tool docs (the calibration's denominator). */
  textTokens: number;
}

export type SupervisorMessage =
  | { type: "load"; spec: WorkerLoadSpec }
  | { type: "count"; id: number; request: EngineRequest }
  /** `stream: false`: the events may all come at the end (one message), as nobody reads them sooner. */
  | { type: "generate"; id: number; request: EngineRequest; stream: boolean }
  /**
   * `count`, then at once `generate` from the prompt just counted (one message, the prompt rendered
   * once). A refusal, including a prompt over the context, is `count-failed`. The count comes as
   * `counted` before the events when streamed, in the `events` message's `counted` otherwise.
   */
  | { type: "start"; id: number; request: EngineRequest; stream: boolean }
  | { type: "abort"; id: number }
  | { type: "probe"; gpu: WorkerLoadSpec["gpu"] };

export type WorkerMessage =
  | {
      type: "progress";
      phase: "downloading" | "loading";
      fraction: number;
      downloadedBytes?: number;
      totalBytes?: number;
    }
  | { type: "loaded"; info: WorkerModelInfo }
  | { type: "load-failed"; error: WorkerError }
  | { type: "counted"; id: number; result: WorkerCountResult }
  | { type: "count-failed"; id: number; error: WorkerError }
  | {
      type: "events";
      items: Array<{ id: number; event: GenerationEvent }>;
      /** Counts of `start`ed requests, delivered before their events. */
      counted?: Array<{ id: number; result: WorkerCountResult }>;
    }
  | {
      type: "probed";
      gpu: string;
      deviceNames: string[];
      vramTotalBytes: number;
      vramUsedBytes: number;
      llamaCppRelease: string;
    }
  | { type: "log"; level: "debug" | "info" | "warn" | "error"; message: string }
  /**
   * What the sequences and kept states hold, each as `summarizePrefixBlocks` of its prompt's block
   * hashes; sent when a request takes a sequence.
   */
  | { type: "prefix-cache"; sequences: string[][] }
  /** Sent from the worker's event loop every `heartbeatIntervalMs`: the loop that runs requests is alive. */
  | { type: "heartbeat" };
