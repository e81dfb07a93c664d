/**
 * The largest prompt a sequence of `contextSize` takes without llama.cpp shifting the context: the
 * prompt plus one generated token must stay below the context size. Shared by the supervisor (check
 * before admission) and the engine (check before evaluation).
 */
export function maxPromptTokens(contextSize: number): number {
  return Math.max(0, contextSize - 2);
}
