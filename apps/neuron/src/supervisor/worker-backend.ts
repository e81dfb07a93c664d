import type { ChildProcess } from "node:child_process";
import { HelexaError } from "@helexa/core";
import type { Logger } from "pino";
import { AsyncChannel } from "../internal/async-channel.js";
import type { EngineRequest } from "../ipc/engine-request.js";
import type { GenerationEvent } from "../ipc/generation-event.js";
import type {
  SupervisorMessage,
  WorkerCountResult,
  WorkerMessage,
  WorkerModelInfo,
} from "../ipc/worker-protocol.js";
import { fromWorkerError } from "./from-worker-error.js";
import type { GenerateOptions, ModelBackend, StartedGeneration } from "./model-backend.js";

const disposeGraceMs = 5_000;

interface PendingCount {
  resolve(result: WorkerCountResult): void;
  reject(error: unknown): void;
  /** The worker died before answering; default: reject with 503. */
  gone?(): void;
}

/** The count of a `start` that never got one (its worker died). */
const noCount: WorkerCountResult = { promptTokens: 0, characters: 0, textTokens: 0 };

/** The supervisor's end of a loaded worker: requests multiplexed by id over the IPC channel. */
export class WorkerBackend implements ModelBackend {
  #nextId = 1;
  #counts = new Map<number, PendingCount>();
  #streams = new Map<number, AsyncChannel<GenerationEvent>>();
  #exitListeners: Array<(reason: string) => void> = [];
  #disposing = false;
  /** Why the worker is gone, once it is. */
  #gone: string | undefined;
  #exited: Promise<void>;

  constructor(
    private readonly child: ChildProcess,
    readonly info: WorkerModelInfo,
    private readonly logger: Logger,
  ) {
    child.on("message", (message: WorkerMessage) => this.#onMessage(message));
    this.#exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.#onExit(`model worker exited (${signal ?? `code ${code}`})`);
        resolve();
      });
    });
  }

  /** The worker's process id (tests end it to simulate a native crash). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  count(request: EngineRequest): Promise<WorkerCountResult> {
    if (this.#gone !== undefined) return Promise.reject(workerGone(this.#gone));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#counts.set(id, { resolve, reject });
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
      channel.push({ type: "error", message: this.#gone });
      channel.close();
      return channel;
    }
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

  async dispose(): Promise<void> {
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

  #onMessage(message: WorkerMessage): void {
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
    }
  }

  #settleCount(id: number): PendingCount | undefined {
    const pending = this.#counts.get(id);
    this.#counts.delete(id);
    return pending;
  }

  #onExit(reason: string): void {
    this.#gone = reason;
    for (const pending of this.#counts.values()) {
      if (pending.gone === undefined) pending.reject(workerGone(reason));
      else pending.gone();
    }
    this.#counts.clear();
    for (const channel of this.#streams.values()) {
      channel.push({ type: "error", message: reason });
      channel.close();
    }
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

function workerGone(reason: string): HelexaError {
  return new HelexaError({
    statusCode: 503,
    type: "api_error",
    code: "service_unavailable",
    message: reason,
    retryAfterSecs: 2,
  });
}
