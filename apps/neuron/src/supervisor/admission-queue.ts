import { clientClosedRequest, type HelexaError, modelOverloaded } from "@helexa/core";

/** Capacity of one model's admission: `maxInFlight` running, `maxQueueDepth` waiting, `maxWaitMs` wait bound. */
export interface AdmissionLimits {
  maxInFlight: number;
  maxQueueDepth: number;
  maxWaitMs: number;
}

/** A held place: call `release()` exactly once when the request ends (extra calls are ignored). */
export interface AdmissionTicket {
  release(): void;
}

interface Waiter {
  grant(ticket: AdmissionTicket): void;
  refuse(error: unknown): void;
}

/** `Retry-After` hint: two seconds per request ahead, clamped to 1..120 (see `admissionRetryAfterSecs`). */
export function retryAfterSecs(queueDepth: number): number {
  return Math.min(120, Math.max(1, (queueDepth + 1) * 2));
}

/**
 * Per-model admission: at most `maxInFlight` running, at most `maxQueueDepth` waiting in FIFO order.
 * Beyond that a request is refused at once with 503 + Retry-After; a waiter that outlives `maxWaitMs`
 * or whose signal aborts leaves the queue immediately. Counts are exact at every instant.
 */
export class AdmissionQueue {
  #running = 0;
  #waiting: Waiter[] = [];
  #closedWith: (() => HelexaError) | undefined;

  constructor(readonly limits: AdmissionLimits) {}

  get inFlight(): number {
    return this.#running;
  }

  get queueDepth(): number {
    return this.#waiting.length;
  }

  /** A place at once when one is free and nobody waits (nor is the queue closed); otherwise undefined. */
  tryEnter(): AdmissionTicket | undefined {
    if (this.#closedWith !== undefined) return undefined;
    if (this.#running >= this.limits.maxInFlight || this.#waiting.length > 0) return undefined;
    this.#running += 1;
    return this.#ticket();
  }

  /** Waits for a place; rejects with a `HelexaError` (503) when full, timed out or closed, or the signal's reason. */
  enter(signal?: AbortSignal): Promise<AdmissionTicket> {
    if (this.#closedWith !== undefined) return Promise.reject(this.#closedWith());
    if (signal?.aborted) return Promise.reject(clientGone());
    if (this.#running < this.limits.maxInFlight && this.#waiting.length === 0) {
      this.#running += 1;
      return Promise.resolve(this.#ticket());
    }
    if (this.#waiting.length >= this.limits.maxQueueDepth) {
      return Promise.reject(modelOverloaded(retryAfterSecs(this.#waiting.length)));
    }
    return new Promise<AdmissionTicket>((resolve, reject) => {
      const leave = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        const index = this.#waiting.indexOf(waiter);
        if (index >= 0) this.#waiting.splice(index, 1);
      };
      const onAbort = () => {
        leave();
        reject(clientGone());
      };
      const timer = setTimeout(() => {
        leave();
        reject(
          modelOverloaded(
            retryAfterSecs(this.#waiting.length),
            "model is busy (waited too long in the admission queue); retry shortly",
          ),
        );
      }, this.limits.maxWaitMs);
      timer.unref?.();
      const waiter: Waiter = {
        grant: (ticket) => {
          leave();
          resolve(ticket);
        },
        refuse: (error) => {
          leave();
          reject(error);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }

  /** Refuses every waiter with `makeError()` (e.g. the model went down); running tickets stay valid. */
  refuseWaiting(makeError: () => HelexaError): void {
    for (const waiter of [...this.#waiting]) waiter.refuse(makeError());
  }

  /** Refuses every waiter and every later `enter` with `makeError()`. */
  close(makeError: () => HelexaError): void {
    this.#closedWith = makeError;
    this.refuseWaiting(makeError);
  }

  #ticket(): AdmissionTicket {
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const next = this.#waiting[0];
        if (next !== undefined && this.#closedWith === undefined) {
          next.grant(this.#ticket());
          return;
        }
        this.#running -= 1;
      },
    };
  }
}

/** The client disconnected while waiting; nobody reads this answer, but it is not a server fault. */
export function clientGone() {
  return clientClosedRequest("client closed the request while it was queued");
}
