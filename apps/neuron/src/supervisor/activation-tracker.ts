import type { Activation } from "@helexa/core";

/**
 * Pre-warm state of the configured `preload` models: each id is in exactly one bucket; `ready` once
 * every preload finished (or there were none). Later API loads never flip it back.
 */
export class ActivationTracker {
  #pending: string[];
  #inProgress: string | null = null;
  #completed: string[] = [];
  #failed: Array<{ model_id: string; error: string }> = [];

  constructor(preloads: readonly string[]) {
    this.#pending = [...preloads];
  }

  start(id: string): void {
    this.#pending = this.#pending.filter((pending) => pending !== id);
    this.#inProgress = id;
  }

  complete(id: string): void {
    if (this.#inProgress === id) this.#inProgress = null;
    this.#completed.push(id);
  }

  fail(id: string, error: string): void {
    if (this.#inProgress === id) this.#inProgress = null;
    this.#pending = this.#pending.filter((pending) => pending !== id);
    this.#failed.push({ model_id: id, error });
  }

  snapshot(): Activation {
    return {
      state: this.#pending.length === 0 && this.#inProgress === null ? "ready" : "pre_warming",
      pending: [...this.#pending],
      in_progress: this.#inProgress,
      completed: [...this.#completed],
      failed: this.#failed.map((failure) => ({ ...failure })),
    };
  }
}
