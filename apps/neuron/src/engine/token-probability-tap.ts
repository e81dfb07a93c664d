import type { LlamaContextSequence, Token } from "node-llama-cpp";

/**
 * A sampled token with its probability: the whole distribution it was sampled from (token → probability,
 * most likely first) when alternatives were asked for, else only its own (`confidence`).
 */
export interface SampledToken {
  token: Token;
  probabilities?: Map<Token, number> | undefined;
  confidence?: number | undefined;
}

type Metadata = { probabilities: true } | { confidence: true };

type Evaluate = LlamaContextSequence["evaluate"];
type EvaluateWithMetadata = (
  tokens: Token[],
  metadata: Metadata,
  options?: Parameters<Evaluate>[1],
) => AsyncGenerator<
  { token: Token; probabilities?: Map<Token, number>; confidence?: number },
  void,
  Token | Token[] | undefined
>;

/**
 * Records the next-token distribution of every token a sequence samples, while recording is on.
 *
 * `LlamaChat` and `LlamaCompletion` generate through `LlamaContextSequence.evaluate`, which yields token
 * ids only; node-llama-cpp 3.21.1 exposes probabilities in `evaluateWithMetadata({ probabilities: true })`
 * alone. While recording, the tap routes the sequence's `evaluate` through that (the same sampling, the
 * distribution after the request's sampling options), so the evaluators keep stop triggers, grammars and
 * function calls. With recording off, `evaluate` is the library's own. With a version whose sequence lacks
 * `evaluateWithMetadata`, `attach` returns false and nothing is recorded. Without alternatives only the
 * chosen token's probability is asked for: the whole distribution is a map of the vocabulary per token
 * (150 000 entries on common models).
 */
export class TokenProbabilityTap {
  #recorded: SampledToken[] | undefined;
  #metadata: Metadata = { confidence: true };

  /** Routes `sequence`'s evaluations through the tap; whether it could. */
  attach(sequence: LlamaContextSequence): boolean {
    const target = sequence as unknown as {
      evaluate?: Evaluate;
      evaluateWithMetadata?: EvaluateWithMetadata;
    };
    const evaluate = target.evaluate;
    const withMetadata = target.evaluateWithMetadata;
    if (typeof evaluate !== "function" || typeof withMetadata !== "function") return false;
    const tap = this;
    target.evaluate = function (this: unknown, tokens, options) {
      if (tap.#recorded === undefined) return evaluate.call(sequence, tokens, options);
      return (async function* () {
        const iterator = withMetadata.call(sequence, tokens, tap.#metadata, options);
        let input: Token | Token[] | undefined;
        try {
          while (true) {
            const { value, done } = await iterator.next(input);
            if (done) return;
            tap.#recorded?.push({
              token: value.token,
              probabilities: value.probabilities,
              confidence: value.confidence,
            });
            input = (yield value.token) as Token | Token[] | undefined;
          }
        } finally {
          await iterator.return();
        }
      })() as ReturnType<Evaluate>;
    };
    return true;
  }

  /** Starts recording (dropping anything recorded before): whole distributions with `alternatives`. */
  start(alternatives: boolean): void {
    this.#metadata = alternatives ? { probabilities: true } : { confidence: true };
    this.#recorded = [];
  }

  /** Stops recording and forgets what was recorded. */
  stop(): void {
    this.#recorded = undefined;
  }

  /**
   * The recorded samples of `tokens` (tokens an evaluator released as output, in order), each removed
   * with every sample before it: samples the evaluator held back and never released (a stop trigger, the
   * end-of-generation token) are skipped. A token with no sample left is left out.
   */
  take(tokens: readonly Token[]): SampledToken[] {
    const recorded = this.#recorded;
    if (recorded === undefined) return [];
    const taken: SampledToken[] = [];
    for (const token of tokens) {
      const at = recorded.findIndex((sample) => sample.token === token);
      if (at === -1) continue;
      taken.push(recorded[at] as SampledToken);
      recorded.splice(0, at + 1);
    }
    return taken;
  }
}
