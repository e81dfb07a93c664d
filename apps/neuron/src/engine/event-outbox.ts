import type { GenerationEvent } from "../ipc/generation-event.js";
import type { WorkerCountResult, WorkerMessage } from "../ipc/worker-protocol.js";

/**
 * Collects generation events and sends them as one IPC message per event-loop turn, and at most one
 * per `minIntervalMs`: the tokens every parallel sequence produced in one batch decode travel together,
 * and a fast stream sends several tokens per message, merged into one delta per request, so IPC and
 * SSE cost stay per batch, not per token (at most `minIntervalMs` between a token and its message).
 * A request's first event and terminal events go at once (time to first token never waits).
 */
export class EventOutbox {
  #items: Array<{ id: number; event: GenerationEvent }> = [];
  /** Where each request's last pending event is in `#items` (its next delta merges into it). */
  #lastOf = new Map<number, number>();
  #counted: Array<{ id: number; result: WorkerCountResult }> = [];
  /** Requests that have sent an event and not yet their terminal one. */
  #open = new Set<number>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #immediate = false;
  #lastFlush = 0;

  constructor(
    private readonly send: (message: WorkerMessage) => void,
    private readonly minIntervalMs = 2,
  ) {}

  push(id: number, event: GenerationEvent): void {
    const index = this.#lastOf.get(id);
    const last = index === undefined ? undefined : this.#items[index];
    if (last !== undefined && canMerge(last.event, event)) last.event = merge(last.event, event);
    else {
      this.#lastOf.set(id, this.#items.length);
      this.#items.push({ id, event });
    }
    if (event.type === "done" || event.type === "error") {
      this.#open.delete(id);
      this.flush();
      return;
    }
    const first = !this.#open.has(id);
    if (first) this.#open.add(id);
    this.#schedule(first);
  }

  /** A request's prompt count, delivered ahead of the events in the same message. */
  pushCounted(id: number, result: WorkerCountResult): void {
    this.#counted.push({ id, result });
    this.#schedule(false);
  }

  #schedule(urgent: boolean): void {
    if (this.#immediate) return;
    const wait = urgent ? 0 : this.minIntervalMs - (performance.now() - this.#lastFlush);
    if (wait <= 0) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#immediate = true;
      setImmediate(() => this.flush());
    } else this.#timer ??= setTimeout(() => this.flush(), Math.ceil(wait));
  }

  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#immediate = false;
    if (this.#items.length === 0 && this.#counted.length === 0) return;
    const items = this.#items;
    const counted = this.#counted;
    this.#items = [];
    this.#lastOf.clear();
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

/** Two consecutive deltas of one kind as one (their logprobs too, in order; their token counts summed). */
export function merge(previous: GenerationEvent, next: GenerationEvent): Delta {
  const a = previous as Delta;
  const b = next as Delta;
  const text: Delta =
    a.content === undefined
      ? { type: "delta", reasoning: (a.reasoning ?? "") + (b.reasoning ?? "") }
      : { type: "delta", content: a.content + (b.content ?? "") };
  const tokens = (a.tokens ?? 0) + (b.tokens ?? 0);
  const counted: Delta = tokens > 0 ? { ...text, tokens } : text;
  if (a.logprobs === undefined && b.logprobs === undefined) return counted;
  return { ...counted, logprobs: [...(a.logprobs ?? []), ...(b.logprobs ?? [])] };
}
