import type { GenerationUsage } from "../ipc/generation-event.js";

/**
 * The usage of one request served as several generations (`n` choices of one prompt), as OpenAI reports
 * it: the prompt once, the completions summed. A completions batch lists `choicesPerPrompt` generations
 * of each prompt in turn; each prompt counts once. Null when none of them has a count.
 */
export function sumUsage(
  usages: ReadonlyArray<GenerationUsage | null | undefined>,
  choicesPerPrompt = usages.length,
): GenerationUsage | null {
  const counted = usages.filter((usage): usage is GenerationUsage => usage != null);
  if (counted.length === 0) return null;
  const group = Math.max(1, choicesPerPrompt);
  let promptTokens = 0;
  for (let start = 0; start < usages.length; start += group) {
    const prompts = usages.slice(start, start + group).map((usage) => usage?.promptTokens ?? 0);
    promptTokens += Math.max(0, ...prompts);
  }
  return {
    promptTokens,
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
  choicesPerPrompt = count,
): Array<((usage: GenerationUsage | null) => void) | undefined> {
  if (onUsage === undefined || count === 1) return Array(count).fill(onUsage);
  const usages: Array<GenerationUsage | null> = Array(count).fill(null);
  let heard = 0;
  return Array.from({ length: count }, (_, index) => (usage: GenerationUsage | null) => {
    usages[index] = usage;
    heard += 1;
    if (heard === count) onUsage(sumUsage(usages, choicesPerPrompt));
  });
}
