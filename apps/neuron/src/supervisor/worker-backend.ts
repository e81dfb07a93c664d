import type { ChildProcess } from "node:child_process";
import { PREFIX_BLOCK_CHARS, type PrefixCacheSummary, serviceUnavailable } from "@helexa/core";
import type { Logger } from "pino";
import { AsyncChannel } from "../internal/async-channel.js";
import type { EngineRequest } from "../ipc/engine-request.js";
import type { GenerationEvent } from "../ipc/generation-event.js";
import { defaultStallTimeoutMs } from "../ipc/heartbeat-interval-ms.js";
import { removeHostStates } from "../ipc/host-states-directory.js";
import type {
  SupervisorMessage,
  WorkerCountResult,
  WorkerMessage,
  WorkerModelInfo,
} from "../ipc/worker-protocol.js";
import { fromWorkerError } from "./from-worker-error.js";
import type { GenerateOptions, ModelBackend, StartedGeneration } from "./model-backend.js";
import { StallWatch } from "./stall-watch.js";

const disposeGraceMs = 5_000;
/** Retry-After of what a dead or stalled worker ends: a reload of a loaded model takes seconds. */
const workerGoneRetryAfterSecs = 2;

interface PendingCount {
  resolve(result: WorkerCountResult): void;
  reject(error: unknown): void;
  /** The worker died before answering; default: reject with 503. */
  gone?(): void;
}

/** The count of a `start` that never got one (its worker died). */
const noCount: WorkerCountResult = { promptTokens: 0, characters: 0, textTokens: 0 };

export interface WorkerBackendOptions {
  /**
   * Silence (no message, heartbeats included) while the worker has work after which it is stalled and
   * killed; also how long a prompt count may take. Default 30 s.
   */
  stallTimeoutMs?: number;
  /** Clock for the stall watch; default `performance.now`. */
  now?: () => number;
}

/**
 * The supervisor's end of a loaded worker: requests multiplexed by id over the IPC channel. A worker that
 * goes silent while it has work is stalled: its requests end with a retryable error and it is SIGKILLed
 * (which also ends a stopped process), so its exit starts the usual recovery.
 */
export class WorkerBackend implements ModelBackend {
  #nextId = 1;
  #counts = new Map<number, PendingCount>();
  #streams = new Map<number, AsyncChannel<GenerationEvent>>();
  #exitListeners: Array<(reason: string) => void> = [];
  #stallListeners: Array<(reason: string) => void> = [];
  #disposing = false;
  /** Why the worker is gone (or stalled and being killed), once it is. */
  #gone: string | undefined;
  #exited: Promise<void>;
  readonly #stallTimeoutMs: number;
  #prefixCache: PrefixCacheSummary | undefined;
  readonly #watch: StallWatch;

  constructor(
    private readonly child: ChildProcess,
    readonly info: WorkerModelInfo,
    private readonly logger: Logger,
    options: WorkerBackendOptions = {},
  ) {
    this.#stallTimeoutMs = options.stallTimeoutMs ?? defaultStallTimeoutMs;
    this.#watch = new StallWatch({
      timeoutMs: this.#stallTimeoutMs,
      busy: () => this.#busy,
      onStall: (silentMs) => this.#onStall(silentMs),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    child.on("message", (message: WorkerMessage) => this.#onMessage(message));
    this.#exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.#watch.stop();
        if (child.pid !== undefined) removeHostStates(child.pid);
        this.#onExit(`model worker exited (${signal ?? `code ${code}`})`);
        resolve();
      });
    });
  }

  /** Checks for a stall now (the watch also checks on its own timer). */
  checkStall(): void {
    this.#watch.check();
  }

  /** What the worker's sequences and kept states hold, as it last reported (none before its first request). */
  prefixCache(): PrefixCacheSummary | undefined {
    return this.#prefixCache;
  }

  /** The worker's process id (tests end it to simulate a native crash). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Counts a prompt; a count unanswered within the stall timeout fails with 503 + Retry-After. */
  count(request: EngineRequest): Promise<WorkerCountResult> {
    if (this.#gone !== undefined) return Promise.reject(workerGone(this.#gone));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.#settleCount(id) === undefined) return;
        reject(workerGone(`model worker did not count the prompt within ${this.#stallTimeoutMs} ms`));
      }, this.#stallTimeoutMs);
      timer.unref();
      const settled =
        <T>(settle: (value: T) => void) =>
        (value: T) => {
          clearTimeout(timer);
          settle(value);
        };
      this.#watch.working(!this.#busy);
      this.#counts.set(id, { resolve: settled(resolve), reject: settled(reject) });
      this.#send({ type: "count", id, request });
    });
  }

  generate(
    request: EngineRequest,
    signal: AbortSignal,
    options: GenerateOptions,
  ): AsyncIterable<GenerationEvent> {
    const id = this.#nextId++;
    const channel = new AsyncChannel<GenerationEvent>();
    if (this.#gone !== undefined) {
      // The worker died before this request reached it: end at once instead of waiting forever.
      channel.push({ type: "error", message: this.#gone, retryAfterSecs: workerGoneRetryAfterSecs });
      channel.close();
      return channel;
    }
    this.#watch.working(!this.#busy);
    this.#streams.set(id, channel);
    const onAbort = () => this.#send({ type: "abort", id });
    signal.addEventListener("abort", onAbort, { once: true });
    this.#send({ type: "generate", id, request, stream: options.stream });
    return drain(channel, () => {
      signal.removeEventListener("abort", onAbort);
      this.#streams.delete(id);
    });
  }

  start(request: EngineRequest, signal: AbortSignal, options: GenerateOptions): Promise<StartedGeneration> {
    if (this.#gone !== undefined) return Promise.reject(workerGone(this.#gone));
    const id = this.#nextId++;
    const channel = new AsyncChannel<GenerationEvent>();
    this.#watch.working(!this.#busy);
    this.#streams.set(id, channel);
    const onAbort = () => this.#send({ type: "abort", id });
    signal.addEventListener("abort", onAbort, { once: true });
    const cleanup = () => {
      signal.removeEventListener("abort", onAbort);
      this.#streams.delete(id);
    };
    return new Promise((resolve, reject) => {
      this.#counts.set(id, {
        resolve: (counted) => resolve({ counted, events: drain(channel, cleanup) }),
        reject: (error) => {
          cleanup();
          reject(error);
        },
        // A whole answer runs from `start` on, as far as its caller knows: if the worker dies, it ends
        // like any running request, with the error event. A stream has its count at once, so a death
        // before that is a refusal (503), as for `count`.
        ...(options.stream
          ? {}
          : { gone: () => resolve({ counted: noCount, events: drain(channel, cleanup) }) }),
      });
      this.#send({ type: "start", id, request, stream: options.stream });
    });
  }

  onExit(listener: (reason: string) => void): void {
    this.#exitListeners.push(listener);
  }

  onStall(listener: (reason: string) => void): void {
    this.#stallListeners.push(listener);
  }

  async dispose(): Promise<void> {
    this.#watch.stop();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.#disposing = true;
    const timer = setTimeout(() => this.child.kill("SIGKILL"), disposeGraceMs);
    if (this.child.connected) this.child.disconnect();
    else this.child.kill("SIGTERM");
    await this.#exited;
    clearTimeout(timer);
  }

  #send(message: SupervisorMessage): void {
    if (!this.child.connected) return;
    this.child.send(message, (error) => {
      if (error) this.logger.debug({ err: error }, "send to worker failed");
    });
  }

  get #busy(): boolean {
    return this.#counts.size > 0 || this.#streams.size > 0;
  }

  #onMessage(message: WorkerMessage): void {
    this.#watch.heard();
    if (message.type === "events") {
      for (const { id, result } of message.counted ?? []) this.#settleCount(id)?.resolve(result);
      for (const { id, event } of message.items) {
        const channel = this.#streams.get(id);
        if (channel === undefined) continue;
        channel.push(event);
        if (event.type === "done" || event.type === "error") channel.close();
      }
    } else if (message.type === "counted") {
      this.#settleCount(message.id)?.resolve(message.result);
    } else if (message.type === "count-failed") {
      this.#settleCount(message.id)?.reject(fromWorkerError(message.error));
    } else if (message.type === "log") {
      this.logger[message.level](message.message);
    } else if (message.type === "prefix-cache") {
      this.#prefixCache = { block_chars: PREFIX_BLOCK_CHARS, sequences: message.sequences };
    }
  }

  #settleCount(id: number): PendingCount | undefined {
    const pending = this.#counts.get(id);
    this.#counts.delete(id);
    return pending;
  }

  /** No message for the stall timeout while busy: end every request, tell the registry, kill the worker. */
  #onStall(silentMs: number): void {
    if (this.#gone !== undefined || this.#disposing) return;
    const reason = `model worker stalled (no progress for ${Math.round(silentMs / 1000)} s); restarting it`;
    this.logger.error({ reason, pid: this.child.pid }, "model worker stalled; killing it");
    this.#endRequests(reason);
    for (const listener of this.#stallListeners) listener(reason);
    // SIGKILL ends even a stopped (SIGSTOP) or wedged process; its exit starts the recovery.
    this.child.kill("SIGKILL");
  }

  /** Marks the worker gone and ends what it held: counts with 503, events with a retryable error. */
  #endRequests(reason: string): void {
    this.#gone = reason;
    for (const pending of this.#counts.values()) {
      if (pending.gone === undefined) pending.reject(workerGone(reason));
      else pending.gone();
    }
    this.#counts.clear();
    for (const channel of this.#streams.values()) {
      channel.push({ type: "error", message: reason, retryAfterSecs: workerGoneRetryAfterSecs });
      channel.close();
    }
  }

  #onExit(exitReason: string): void {
    // After a stall the stall is the reason worth reporting, not the SIGKILL that ended it.
    const reason = this.#gone ?? exitReason;
    this.#endRequests(reason);
    if (this.#disposing) return;
    this.logger.error({ reason }, "model worker died");
    for (const listener of this.#exitListeners) listener(reason);
  }
}

/** The channel's events; `cleanup` runs once they end or the reader stops. */
function drain(channel: AsyncChannel<GenerationEvent>, cleanup: () => void): AsyncIterable<GenerationEvent> {
  return {
    async *[Symbol.asyncIterator]() {
      try {
        yield* channel;
      } finally {
        cleanup();
      }
    },
  };
}

function workerGone(reason: string) {
  return serviceUnavailable(reason, workerGoneRetryAfterSecs);
}
