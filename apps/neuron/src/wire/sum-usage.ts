import type { GenerationUsage } from "../ipc/generation-event.js";

/**
 * The usage of one request served as several generations (`n` choices of one prompt), as OpenAI reports
 * it: the prompt once, the completions summed. Null when none of them has a count.
 */
export function sumUsage(usages: ReadonlyArray<GenerationUsage | null>): GenerationUsage | null {
  const counted = usages.filter((usage): usage is GenerationUsage => usage !== null);
  if (counted.length === 0) return null;
  return {
    promptTokens: Math.max(...counted.map((usage) => usage.promptTokens)),
    completionTokens: counted.reduce((sum, usage) => sum + usage.completionTokens, 0),
    cachedTokens: Math.min(...counted.map((usage) => usage.cachedTokens)),
    reasoningTokens: counted.reduce((sum, usage) => sum + usage.reasoningTokens, 0),
  };
}

/**
 * Calls `onUsage` once, with the sum, after it was called `count` times (once per generation). With no
 * `onUsage`, undefined.
 */
export function sumUsageOf(
  count: number,
  onUsage: ((usage: GenerationUsage | null) => void) | undefined,
): ((usage: GenerationUsage | null) => void) | undefined {
  if (onUsage === undefined || count === 1) return onUsage;
  const usages: Array<GenerationUsage | null> = [];
  return (usage) => {
    usages.push(usage);
    if (usages.length === count) onUsage(sumUsage(usages));
  };
}
