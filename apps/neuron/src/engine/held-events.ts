import type { GenerationEvent } from "../ipc/generation-event.js";
import { canMerge, merge } from "./event-outbox.js";

/**
 * A non-streamed request's events, kept in the worker until the generation ends: deltas are merged as
 * they come and everything crosses IPC once, with the terminal event, so a whole answer costs one
 * message instead of one per batch of tokens. The terminal `done` carries `firstTokenLeadMs` (how long
 * before it the first token came), so the supervisor can still time the first token.
 */
export class HeldEvents {
  #events: GenerationEvent[] = [];
  #firstTokenAt: number | undefined;

  constructor(private readonly release: (events: GenerationEvent[]) => void) {}

  push(event: GenerationEvent): void {
    if (event.type === "delta" || event.type === "tool_call") this.#firstTokenAt ??= performance.now();
    if (event.type === "done" || event.type === "error") {
      const lead = this.#firstTokenAt === undefined ? undefined : performance.now() - this.#firstTokenAt;
      this.#events.push(
        event.type === "done" && lead !== undefined ? { ...event, firstTokenLeadMs: lead } : event,
      );
      const events = this.#events;
      this.#events = [];
      this.release(events);
      return;
    }
    const last = this.#events.at(-1);
    if (last !== undefined && canMerge(last, event))
      this.#events[this.#events.length - 1] = merge(last, event);
    else this.#events.push(event);
  }
}
