import type { LlamaContextSequence } from "node-llama-cpp";

type DecodeTokens = (...args: unknown[]) => Promise<unknown>;

/**
 * Lets a request that starts while others generate into the context at once, instead of after them.
 *
 * A generation starts by trimming its sequence's old state to the shared prompt prefix, which takes
 * the context's lock. node-llama-cpp's decode loop holds that lock for as long as some sequence has
 * queued its next token by the time a batch ends, which with two or more running sequences is often
 * the case: measured on the tiny model, a request arriving 10 ms after two others got its first token
 * only once they had finished (~300 ms later). While a sequence is starting, the gate holds the running
 * sequences' next evaluations: the loop finds nothing queued, ends, the starting request takes the lock
 * and trims, and its first evaluation releases the held ones, so all of them decode in one batch.
 *
 * It wraps `LlamaContextSequence._decodeTokens`, an internal of node-llama-cpp 3.21.1; with a version
 * that lacks it, `attach` returns false and requests wait their turn as before.
 */
export class JoinGate {
  readonly #starting = new Set<LlamaContextSequence>();
  #held: Array<() => void> = [];

  /** Routes `sequence`'s evaluations through the gate; whether it could. */
  attach(sequence: LlamaContextSequence): boolean {
    const target = sequence as unknown as { _decodeTokens?: DecodeTokens };
    const decode = target._decodeTokens;
    if (typeof decode !== "function") return false;
    target._decodeTokens = (...args: unknown[]) => {
      if (this.#starting.delete(sequence)) {
        // Its first evaluation: it has its place now; the held ones queue right behind it.
        const result = decode.apply(sequence, args);
        this.#releaseIfNoneStarting();
        return result;
      }
      if (this.#starting.size === 0) return decode.apply(sequence, args);
      return new Promise<void>((resolve) => this.#held.push(resolve)).then(() =>
        decode.apply(sequence, args),
      );
    };
    return true;
  }

  /** A generation starts on `sequence`: the others wait until its first evaluation is queued. */
  starting(sequence: LlamaContextSequence): void {
    this.#starting.add(sequence);
  }

  /** The generation on `sequence` ended (whether or not it evaluated anything). */
  ended(sequence: LlamaContextSequence): void {
    this.#starting.delete(sequence);
    this.#releaseIfNoneStarting();
  }

  /** How many generations are starting, and how many evaluations wait (for tests). */
  get state(): { starting: number; held: number } {
    return { starting: this.#starting.size, held: this.#held.length };
  }

  #releaseIfNoneStarting(): void {
    if (this.#starting.size > 0 || this.#held.length === 0) return;
    const held = this.#held;
    this.#held = [];
    for (const release of held) release();
  }
}
