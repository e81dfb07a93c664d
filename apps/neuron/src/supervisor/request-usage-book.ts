import type { GenerationUsage } from "../ipc/generation-event.js";

/** A request's usage as `GET /v1/requests/{id}/usage` reports it. */
export type RequestUsageLookup =
  | { state: "finished"; usage: GenerationUsage | null }
  | { state: "running" }
  | { state: "unknown" };

/**
 * Final usage of recent requests by the caller's `x-request-id`, so cortex can bill what was generated
 * when a stream is abandoned or the client did not ask for usage. Bounded: the oldest entries go first
 * once `capacity` is reached. `lookup` waits up to `waitMs` for a running request to finish.
 */
export interface RequestUsageBook {
  /** Marks the request as running (once admitted), unless it already finished. */
  begin(requestId: string): void;
  /** Records the final usage (null: the request ended without any, e.g. on an error); first call wins. */
  finish(requestId: string, usage: GenerationUsage | null): void;
  lookup(requestId: string, waitMs: number): Promise<RequestUsageLookup>;
}

type Entry = { usage: GenerationUsage | null; finished: boolean; waiters: Array<() => void> };

export const DEFAULT_USAGE_BOOK_CAPACITY = 4096;

/** A request id as cortex sends it: 1–128 visible ASCII characters without spaces. */
export function isRequestId(value: string | undefined): value is string {
  return value !== undefined && /^[\x21-\x7e]{1,128}$/.test(value);
}

export function createRequestUsageBook(capacity = DEFAULT_USAGE_BOOK_CAPACITY): RequestUsageBook {
  const entries = new Map<string, Entry>();
  const wake = (entry: Entry) => {
    for (const waiter of entry.waiters.splice(0)) waiter();
  };
  const evict = () => {
    while (entries.size > capacity) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) break;
      const entry = entries.get(oldest);
      entries.delete(oldest);
      if (entry !== undefined) wake(entry);
    }
  };
  return {
    begin(requestId) {
      if (entries.has(requestId)) return;
      entries.set(requestId, { usage: null, finished: false, waiters: [] });
      evict();
    },
    finish(requestId, usage) {
      const entry = entries.get(requestId);
      if (entry === undefined) {
        entries.set(requestId, { usage, finished: true, waiters: [] });
        evict();
        return;
      }
      if (entry.finished) return;
      entry.finished = true;
      entry.usage = usage;
      wake(entry);
    },
    async lookup(requestId, waitMs) {
      let entry = entries.get(requestId);
      if (entry === undefined) return { state: "unknown" };
      if (!entry.finished && waitMs > 0) {
        const waiting = entry;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          timer.unref?.();
          waiting.waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
        entry = entries.get(requestId);
        if (entry === undefined) return { state: "unknown" };
      }
      return entry.finished ? { state: "finished", usage: entry.usage } : { state: "running" };
    },
  };
}
