/** What a budget hold is made of. */
export interface ReservationInput {
  /** An upper bound of the prompt's tokens (`promptTokensUpperBound`). */
  promptTokens: number;
  /** The output limit the neuron is held to (`resolveOutputLimit`). */
  outputTokens: number;
  /** The model's context window, when known. */
  contextTokens?: number | undefined;
}

/**
 * The tokens to hold for a request: prompt bound plus output limit, never more than the context window
 * (the neuron refuses a prompt that leaves no room and stops generating where the context ends, so a
 * request can never use more than its context).
 */
export function reservationTokens(input: ReservationInput): number {
  const total = Math.ceil(Math.max(0, input.promptTokens)) + Math.ceil(Math.max(0, input.outputTokens));
  const context = input.contextTokens;
  if (context === undefined || !Number.isFinite(context) || context < 1) return total;
  return Math.min(total, Math.floor(context));
}
