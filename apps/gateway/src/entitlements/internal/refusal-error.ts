import { type HelexaError, insufficientQuota, rateLimitExceeded } from "@helexa/core";
import type { ReserveOutcome } from "./budget-book.js";

/** The client-facing 429 for a refused hold. Messages give amounts, never a key or its id. */
export function refusalError(outcome: Exclude<ReserveOutcome, { ok: true }>, tokens: number): HelexaError {
  switch (outcome.reason) {
    case "exceeds_cap":
      // Waiting cannot help (the whole cap is smaller than the request), so no Retry-After, in either window.
      return insufficientQuota(
        `request needs up to ${tokens} tokens but this key's hard cap is ${outcome.hardCap} tokens; ` +
          "lower max_tokens or shorten the prompt",
      );
    case "insufficient_quota":
      return insufficientQuota(
        `hard balance exhausted (${tokens} requested, ${outcome.available} available)`,
      );
    case "rate_limited":
      return rateLimitExceeded(
        `rolling-window budget exhausted (${tokens} requested, ${outcome.available} available); ` +
          `retry in ${outcome.retryAfterSecs}s`,
        outcome.retryAfterSecs,
      );
  }
}
