/** What a budget hold is made of. */
export interface ReservationInput {
  /** An upper bound of the prompt's tokens (`promptTokensUpperBound`). */
  promptTokens: number;
  /** The output limit the neuron is held to (`resolveOutputLimit`), per choice. */
  outputTokens: number;
  /** The model's context window, when known. */
  contextTokens?: number | undefined;
  /** Independent generations of the prompt (`requestedChoices`: OpenAI `n`); default 1. */
  choices?: number | undefined;
}

/**
 * The tokens to hold for a request: prompt bound plus the output limit for each choice. Each choice is
 * a generation in its own sequence of the context window, which the neuron never lets run past it (it
 * refuses a prompt that leaves no room and stops generating where the context ends), so one choice never
 * holds more than the window: prompt + n × min(output, context − prompt). The prompt is held once, as the
 * neuron reports it once for all choices.
 */
export function reservationTokens(input: ReservationInput): number {
  const prompt = Math.ceil(Math.max(0, input.promptTokens));
  const output = Math.ceil(Math.max(0, input.outputTokens));
  const choices =
    input.choices !== undefined && Number.isFinite(input.choices) && input.choices >= 1
      ? Math.floor(input.choices)
      : 1;
  const context = input.contextTokens;
  if (context === undefined || !Number.isFinite(context) || context < 1) return prompt + choices * output;
  const one = Math.min(prompt + output, Math.floor(context));
  return one + (choices - 1) * Math.max(0, one - prompt);
}
