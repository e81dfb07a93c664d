import {
  type ChatWrapper,
  LlamaChat,
  LlamaCompletion,
  type LlamaContext,
  type LlamaContextSequence,
  type Token,
} from "node-llama-cpp";
import { JoinGate } from "./join-gate.js";
import { TokenProbabilityTap } from "./token-probability-tap.js";

/** One context sequence with the evaluators bound to it; used by one request at a time. */
export interface SequenceSlot {
  sequence: LlamaContextSequence;
  chat: LlamaChat;
  completion: LlamaCompletion;
  /** Records sampled tokens' distributions for a request that asked for logprobs. */
  probabilities: TokenProbabilityTap;
}

/**
 * The context's sequences, kept for the model's lifetime so their KV state survives between requests:
 * a request gets the free sequence that already holds the longest prefix of its prompt (prefix reuse).
 * Requests beyond the free sequences wait in FIFO order (admission normally prevents that). A slot
 * handed out is "starting" for the `JoinGate` until its first evaluation, so it gets into the context
 * while other sequences generate.
 */
export class SequencePool {
  readonly #free: SequenceSlot[];
  readonly #waiters: Array<(slot: SequenceSlot) => void> = [];
  readonly #joins = new JoinGate();

  constructor(context: LlamaContext, chatWrapper: ChatWrapper) {
    this.#free = Array.from({ length: context.totalSequences }, () => {
      const sequence = context.getSequence();
      this.#joins.attach(sequence);
      const probabilities = new TokenProbabilityTap();
      probabilities.attach(sequence);
      return {
        probabilities,
        sequence,
        chat: new LlamaChat({ contextSequence: sequence, chatWrapper, autoDisposeSequence: false }),
        completion: new LlamaCompletion({ contextSequence: sequence, autoDisposeSequence: false }),
      };
    });
  }

  /** Resolves with the free slot whose state shares the longest prefix with `tokens`. */
  acquire(tokens: readonly Token[]): Promise<SequenceSlot> {
    if (this.#free.length === 0)
      return new Promise((resolve) =>
        this.#waiters.push((slot) => {
          this.#joins.starting(slot.sequence);
          resolve(slot);
        }),
      );
    let best = 0;
    let bestShared = -1;
    this.#free.forEach((slot, index) => {
      const shared = slot.sequence.compareContextTokens(tokens as Token[]).firstDifferentIndex;
      if (shared > bestShared) {
        best = index;
        bestShared = shared;
      }
    });
    const [slot] = this.#free.splice(best, 1) as [SequenceSlot];
    this.#joins.starting(slot.sequence);
    return Promise.resolve(slot);
  }

  release(slot: SequenceSlot): void {
    this.#joins.ended(slot.sequence);
    const waiter = this.#waiters.shift();
    if (waiter === undefined) this.#free.push(slot);
    else waiter(slot);
  }
}
