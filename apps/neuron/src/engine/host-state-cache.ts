import { mkdtempSync, rmSync } from "node:fs";
import { unlink } from "node:fs/promises";
import { join } from "node:path";
import type { LlamaContextSequence, Token } from "node-llama-cpp";
import { hostStatesDirectoryPrefix } from "../ipc/host-states-directory.js";

/** One sequence state kept in host memory. */
export interface HostState {
  readonly file: string;
  /** The tokens the state holds (its `contextTokens` when saved). */
  readonly tokens: readonly Token[];
  /** The chained prefix-block hashes of the prompt that produced it (for `/health`'s summary). */
  readonly blocks: readonly string[];
  readonly bytes: number;
}

/** Most states kept at once, whatever their size: bounds `/health`'s summary too. */
export const MAX_HOST_STATES = 64;

/**
 * Sequence KV states evicted from the context, kept in host memory (files on tmpfs, `/dev/shm` where it
 * exists) up to `budgetBytes`, least recently used dropped first. A sequence about to be overwritten by
 * another prompt is saved here; a prompt that finds no sequence holding its prefix gets the state that
 * shares the most of it restored into its sequence. On the tiny model, restoring a 1,700-token prefix
 * took 5 ms against 87 ms to recompute it (a 25M-parameter variant: 70 ms against 1.6 s); see
 * docs/decisions/0007-cache-aware-routing.md. States fit the same model only: one cache per worker.
 */
export class HostStateCache {
  readonly #budgetBytes: number;
  readonly #directory: string;
  /** Insertion order is recency: the first entry is the least recently used. */
  readonly #states = new Set<HostState>();
  #bytes = 0;
  #next = 0;

  constructor(budgetBytes: number) {
    this.#budgetBytes = budgetBytes;
    this.#directory = mkdtempSync(hostStatesDirectoryPrefix(process.pid));
  }

  get bytes(): number {
    return this.#bytes;
  }

  get states(): readonly HostState[] {
    return [...this.#states];
  }

  /** The kept state sharing the longest prefix with `tokens`, and how many tokens it shares. */
  best(tokens: readonly Token[]): { state: HostState; shared: number } | undefined {
    let found: { state: HostState; shared: number } | undefined;
    for (const state of this.#states) {
      const shared = sharedPrefix(state.tokens, tokens);
      if (shared > (found?.shared ?? 0)) found = { state, shared };
    }
    return found;
  }

  /** Keeps `sequence`'s state, unless a kept one already extends it; drops the ones it extends. */
  async save(sequence: LlamaContextSequence, blocks: readonly string[]): Promise<void> {
    const tokens = [...sequence.contextTokens];
    for (const state of this.#states) {
      const shared = sharedPrefix(state.tokens, tokens);
      if (shared === tokens.length) return;
      if (shared === state.tokens.length) this.#drop(state);
    }
    const file = join(this.#directory, `${this.#next++}.kv`);
    const { fileSize } = await sequence.saveStateToFile(file);
    const state: HostState = { file, tokens, blocks: [...blocks], bytes: fileSize };
    this.#states.add(state);
    this.#bytes += fileSize;
    for (const oldest of this.#states) {
      if (this.#bytes <= this.#budgetBytes && this.#states.size <= MAX_HOST_STATES) break;
      this.#drop(oldest);
    }
  }

  /** Loads `state` into `sequence` (replacing what it held) and forgets it here: the sequence holds it now. */
  async restore(state: HostState, sequence: LlamaContextSequence): Promise<void> {
    try {
      await sequence.loadStateFromFile(state.file, { acceptRisk: true });
    } finally {
      this.#drop(state);
    }
  }

  dispose(): void {
    this.#states.clear();
    this.#bytes = 0;
    rmSync(this.#directory, { recursive: true, force: true });
  }

  #drop(state: HostState): void {
    if (!this.#states.delete(state)) return;
    this.#bytes -= state.bytes;
    unlink(state.file).catch(() => {});
  }
}

function sharedPrefix(a: readonly Token[], b: readonly Token[]): number {
  const length = Math.min(a.length, b.length);
  let index = 0;
  while (index < length && a[index] === b[index]) index++;
  return index;
}
