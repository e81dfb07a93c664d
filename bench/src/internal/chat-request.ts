import { stubModelId } from "./neuron-look-alike.js";

/** The `user` that asks the upstream stub to write a whole stream at once (`createUpstreamStub`). */
export const instantStreamUser = "bench-instant";

/**
 * The chat completion body every gateway benchmark sends (about the size of a short real prompt). `instant`
 * (with `stream`) asks the stub to write every chunk at once instead of `gapMs` apart; it travels as the
 * OpenAI `user` field, which every gateway passes through untouched.
 */
export function chatRequestBody(
  options: { stream?: boolean; model?: string; instant?: boolean } = {},
): string {
  return JSON.stringify({
    model: options.model ?? stubModelId,
    messages: [
      { role: "system", content: "You are a terse assistant." },
      { role: "user", content: "Say hello to the benchmark in one short sentence, please." },
    ],
    max_tokens: 16,
    ...(options.stream === true ? { stream: true } : {}),
    ...(options.instant === true ? { user: instantStreamUser } : {}),
  });
}
