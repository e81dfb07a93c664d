import type { GenerationEvent } from "../ipc/generation-event.js";
import type { WorkerCountResult, WorkerMessage } from "../ipc/worker-protocol.js";

/**
 * Collects generation events and sends them as one IPC message per event-loop turn, and at most one
 * per `minIntervalMs`: the tokens every parallel sequence produced in one batch decode travel together,
 * and a fast single stream sends a few tokens per message, so IPC cost stays per batch, not per token
 * (at most `minIntervalMs` of added latency). The first event after a pause and terminal events go at once.
 */
export class EventOutbox {
  #items: Array<{ id: number; event: GenerationEvent }> = [];
  #counted: Array<{ id: number; result: WorkerCountResult }> = [];
  #scheduled = false;
  #lastFlush = 0;

  constructor(
    private readonly send: (message: WorkerMessage) => void,
    private readonly minIntervalMs = 2,
  ) {}

  push(id: number, event: GenerationEvent): void {
    const last = this.#items.at(-1);
    if (last !== undefined && last.id === id && canMerge(last.event, event)) {
      last.event = merge(last.event, event);
    } else this.#items.push({ id, event });
    if (event.type === "done" || event.type === "error") {
      this.flush();
      return;
    }
    this.#schedule();
  }

  /** A request's prompt count, delivered ahead of the events in the same message. */
  pushCounted(id: number, result: WorkerCountResult): void {
    this.#counted.push({ id, result });
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    const wait = this.minIntervalMs - (performance.now() - this.#lastFlush);
    if (wait <= 0) setImmediate(() => this.flush());
    else setTimeout(() => this.flush(), wait);
  }

  flush(): void {
    this.#scheduled = false;
    if (this.#items.length === 0 && this.#counted.length === 0) return;
    const items = this.#items;
    const counted = this.#counted;
    this.#items = [];
    this.#counted = [];
    this.#lastFlush = performance.now();
    this.send(counted.length === 0 ? { type: "events", items } : { type: "events", items, counted });
  }
}

type Delta = Extract<GenerationEvent, { type: "delta" }>;

/** Whether two consecutive events of one request can travel as one delta. */
export function canMerge(previous: GenerationEvent, next: GenerationEvent): boolean {
  if (previous.type !== "delta" || next.type !== "delta") return false;
  // Keep content and reasoning in separate events so their order survives.
  return (previous.content === undefined) === (next.content === undefined);
}

/** Two consecutive deltas of one kind as one. */
export function merge(previous: GenerationEvent, next: GenerationEvent): Delta {
  const a = previous as Delta;
  const b = next as Delta;
  return a.content === undefined
    ? { type: "delta", reasoning: (a.reasoning ?? "") + (b.reasoning ?? "") }
    : { type: "delta", content: a.content + (b.content ?? "") };
}
