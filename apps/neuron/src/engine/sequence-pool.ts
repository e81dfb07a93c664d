import {
  type ChatWrapper,
  LlamaChat,
  LlamaCompletion,
  type LlamaContext,
  type LlamaContextSequence,
  type Token,
} from "node-llama-cpp";
import type { HostStateCache } from "./host-state-cache.js";
import { JoinGate } from "./join-gate.js";
import { TokenProbabilityTap } from "./token-probability-tap.js";

/** One context sequence with the evaluators bound to it; used by one request at a time. */
export interface SequenceSlot {
  sequence: LlamaContextSequence;
  chat: LlamaChat;
  completion: LlamaCompletion;
  /** Records sampled tokens' distributions for a request that asked for logprobs. */
  probabilities: TokenProbabilityTap;
  /** Chained prefix-block hashes of the last prompt evaluated here (`prefixBlockHashes`). */
  blocks: readonly string[];
}

/** Options of {@link SequencePool}. */
export interface SequencePoolOptions {
  /** Host memory for states of sequences about to be overwritten; none: they are lost. */
  hostStates?: HostStateCache | undefined;
  /** Called when what the sequences (and kept states) hold changes: their prompts' block hashes. */
  onHeld?: (held: Array<readonly string[]>) => void;
  /** Save/restore failures (the request goes on, recomputing its prompt). */
  onError?: (error: unknown) => void;
}

/**
 * A state is saved before its sequence is overwritten, or restored into it, only when that moves at least
 * this many tokens: below it, recomputing is about as fast as a file round trip.
 */
export const MIN_STATE_TOKENS = 64;

/**
 * The context's sequences, kept for the model's lifetime so their KV state survives between requests:
 * a request gets the free sequence that already holds the longest prefix of its prompt (prefix reuse).
 * With a host state cache, the state it would overwrite is kept there first, and a kept state sharing
 * more of the prompt than the sequence does is restored into it. Requests beyond the free sequences wait
 * in FIFO order (admission normally prevents that). A slot handed out is "starting" for the `JoinGate`
 * until its first evaluation, so it gets into the context while other sequences generate.
 */
export class SequencePool {
  readonly #slots: SequenceSlot[];
  readonly #free: SequenceSlot[];
  readonly #waiters: Array<(slot: SequenceSlot) => void> = [];
  readonly #joins = new JoinGate();
  readonly #options: SequencePoolOptions;

  constructor(context: LlamaContext, chatWrapper: ChatWrapper, options: SequencePoolOptions = {}) {
    this.#options = options;
    this.#slots = Array.from({ length: context.totalSequences }, () => {
      const sequence = context.getSequence();
      this.#joins.attach(sequence);
      const probabilities = new TokenProbabilityTap();
      probabilities.attach(sequence);
      return {
        probabilities,
        sequence,
        chat: new LlamaChat({ contextSequence: sequence, chatWrapper, autoDisposeSequence: false }),
        completion: new LlamaCompletion({ contextSequence: sequence, autoDisposeSequence: false }),
        blocks: [],
      };
    });
    this.#free = [...this.#slots];
  }

  /**
   * Resolves with the free slot whose state shares the longest prefix with `tokens` (after any host
   * state was saved from or restored into it); `blocks` are the prompt's prefix-block hashes.
   */
  async acquire(tokens: readonly Token[], blocks: readonly string[] = []): Promise<SequenceSlot> {
    let slot: SequenceSlot;
    if (this.#free.length === 0) {
      slot = await new Promise<SequenceSlot>((resolve) => this.#waiters.push(resolve));
    } else {
      let best = 0;
      let bestShared = -1;
      this.#free.forEach((free, index) => {
        const shared = sharedWith(free, tokens);
        if (shared > bestShared) {
          best = index;
          bestShared = shared;
        }
      });
      [slot] = this.#free.splice(best, 1) as [SequenceSlot];
    }
    this.#joins.starting(slot.sequence);
    await this.#swapStates(slot, tokens);
    slot.blocks = blocks;
    this.#reportHeld();
    return slot;
  }

  release(slot: SequenceSlot): void {
    this.#joins.ended(slot.sequence);
    const waiter = this.#waiters.shift();
    if (waiter === undefined) this.#free.push(slot);
    else waiter(slot);
  }

  /** Keeps what `slot` would lose in host memory, and restores a kept state that shares more of `tokens`. */
  async #swapStates(slot: SequenceSlot, tokens: readonly Token[]): Promise<void> {
    const hostStates = this.#options.hostStates;
    if (hostStates === undefined) return;
    const shared = sharedWith(slot, tokens);
    const kept = hostStates.best(tokens);
    const restore = kept !== undefined && kept.shared >= shared + MIN_STATE_TOKENS ? kept.state : undefined;
    try {
      if (slot.sequence.contextTokens.length - shared >= MIN_STATE_TOKENS)
        await hostStates.save(slot.sequence, slot.blocks);
      // Saving may have dropped it to stay within the budget.
      if (restore !== undefined && hostStates.states.includes(restore))
        await hostStates.restore(restore, slot.sequence);
    } catch (error) {
      this.#options.onError?.(error);
      if (restore !== undefined) await slot.sequence.clearHistory();
    }
  }

  #reportHeld(): void {
    const onHeld = this.#options.onHeld;
    if (onHeld === undefined) return;
    const held: Array<readonly string[]> = this.#slots.map((slot) => slot.blocks);
    for (const state of this.#options.hostStates?.states ?? []) held.push(state.blocks);
    onHeld(held.filter((blocks) => blocks.length > 0));
  }
}

function sharedWith(slot: SequenceSlot, tokens: readonly Token[]): number {
  return slot.sequence.compareContextTokens(tokens as Token[]).firstDifferentIndex;
}
