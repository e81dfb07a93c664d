import type { EntitlementsLogger } from "../create-entitlements.js";
import type { Usage } from "../entitlements.js";
import type { Ledger } from "../ledger.js";

/**
 * Charges the holds a previous process left in the ledger (it died between dispatching a request and
 * recording it): each becomes an `aborted` row for the whole hold (its prompt part as prompt, the rest
 * as completion), since what was delivered is not known. The hold was an upper bound of what the
 * request could use, so a crash never under-bills. Runs before any budget is read. Returns the count.
 */
export function chargeLeftoverHolds(
  ledger: Ledger,
  nowMs: number,
  logger: EntitlementsLogger,
  costFor?: (model: string, usage: Usage) => number,
): number {
  const holds = ledger.leftoverHolds();
  for (const hold of holds) {
    const promptTokens = Math.min(hold.tokens, hold.promptTokens);
    const usage = { promptTokens, completionTokens: hold.tokens - promptTokens };
    ledger.append({
      reservationUid: hold.reservationUid,
      requestId: hold.requestId,
      timeMs: Math.floor(nowMs),
      keyId: hold.keyId,
      accountId: hold.accountId,
      model: hold.model,
      node: null,
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      costUsd: safeCost(costFor, hold.model, usage),
      outcome: "aborted",
    });
  }
  if (holds.length > 0) {
    logger.warn(
      { holds: holds.length, tokens: holds.reduce((sum, hold) => sum + hold.tokens, 0) },
      "charged budget holds left by a previous run (requests in flight when it stopped) at their full size",
    );
  }
  return holds.length;
}

function safeCost(
  costFor: ((model: string, usage: Usage) => number) | undefined,
  model: string,
  usage: Usage,
) {
  if (costFor === undefined) return 0;
  try {
    const cost = costFor(model, usage);
    return Number.isFinite(cost) && cost > 0 ? cost : 0;
  } catch {
    return 0;
  }
}
