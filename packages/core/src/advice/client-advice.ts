/** Header carrying {@link clientAdvice}'s text on a pre-validation 400. Advisory only, never in the body. */
export const CLIENT_ADVICE_HEADER = "x-helexa-advice";

const ADVICE: ReadonlyArray<{ needles: readonly string[]; advice: string }> = [
  {
    needles: ["litellm"],
    advice:
      "litellm forwards the full context; lower the configured context window or enable client-side compaction",
  },
  {
    needles: ["agent-zero", "agent zero"],
    advice: "reduce the conversation/context size or summarize earlier turns before resending",
  },
  { needles: ["zed"], advice: "reduce the assistant context window in Zed's settings" },
];

/**
 * Client-specific advice for an over-long prompt, fingerprinted from the `User-Agent` by case-insensitive
 * substring, first match wins (litellm, then Agent-Zero, then Zed), with exact strings the tests pin
 * (users of those clients may match on them). Returns undefined for any other or no User-Agent: unknown clients get no header.
 */
export function clientAdvice(userAgent: string | null | undefined): string | undefined {
  if (!userAgent) return undefined;
  const lowered = userAgent.toLowerCase();
  return ADVICE.find((entry) => entry.needles.some((needle) => lowered.includes(needle)))?.advice;
}
