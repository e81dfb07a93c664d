import type { GenerationRoute } from "./resolve-output-limit.js";

/**
 * How many independent generations a request asks for, each up to the output limit: OpenAI `n` on chat
 * and legacy completions, times the prompts of a completions batch (`prompt` as an array of strings or
 * of token-id arrays: one choice per prompt); 1 elsewhere (Responses and `/infill` have no `n`). An `n`
 * that is not an integer ≥ 1 counts as 1: refusing it is request validation's job.
 */
export function requestedChoices(route: GenerationRoute, body: Record<string, unknown>): number {
  if (route !== "/v1/chat/completions" && route !== "/v1/completions") return 1;
  const n = body.n;
  const perPrompt = typeof n === "number" && Number.isSafeInteger(n) && n >= 1 ? n : 1;
  return route === "/v1/completions" ? perPrompt * batchSize(body.prompt) : perPrompt;
}

/** Prompts in a completions `prompt`: a batch is an array of strings or of token-id arrays. */
function batchSize(prompt: unknown): number {
  if (!Array.isArray(prompt) || prompt.length === 0) return 1;
  return prompt.every((entry) => typeof entry === "string" || Array.isArray(entry)) ? prompt.length : 1;
}
