import { heartbeatIntervalMs } from "../ipc/heartbeat-interval-ms.js";

export interface StallWatchOptions {
  /** Silence, while busy, after which the worker is stalled. */
  timeoutMs: number;
  /** Whether the worker has work now (running generations or pending counts): only then is silence a stall. */
  busy(): boolean;
  /** Called once, with how long the worker had been silent. */
  onStall(silentMs: number): void;
  /** Clock; default `performance.now`. */
  now?: () => number;
}

/**
 * Notices a worker that stops making progress: any message from it (tokens, counts, heartbeats) is progress;
 * `timeoutMs` of silence while it has work is a stall. Idle silence is not: new work after an idle spell
 * starts the clock afresh. Checks run on a timer a few times per timeout (or on `check()`).
 */
export class StallWatch {
  readonly #options: StallWatchOptions;
  readonly #now: () => number;
  #lastHeard: number;
  #stalled = false;
  readonly #timer: NodeJS.Timeout;

  constructor(options: StallWatchOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
    this.#lastHeard = this.#now();
    this.#timer = setInterval(() => this.check(), heartbeatIntervalMs(options.timeoutMs));
    this.#timer.unref();
  }

  /** The worker said something. */
  heard(): void {
    this.#lastHeard = this.#now();
  }

  /** Call before handing the worker new work; `wasIdle` when it had none until now. */
  working(wasIdle: boolean): void {
    if (wasIdle) this.#lastHeard = this.#now();
  }

  /** Reports a stall once, if there is one now. */
  check(): void {
    if (this.#stalled || !this.#options.busy()) return;
    const silentMs = this.#now() - this.#lastHeard;
    if (silentMs < this.#options.timeoutMs) return;
    this.#stalled = true;
    this.stop();
    this.#options.onStall(silentMs);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
