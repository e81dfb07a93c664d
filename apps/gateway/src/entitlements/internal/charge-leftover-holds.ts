import type { Logger } from "../../internal/logger.js";
import type { Usage } from "../entitlements.js";
import type { Ledger } from "../ledger.js";

/**
 * Charges the holds a previous process left in the ledger (it died between dispatching a request and
 * recording it): each becomes an `aborted` row at the usage the neuron reported for its request id
 * (`known`, see `lookUpLeftoverHolds`), else at the whole hold (its prompt part as prompt, the rest as
 * completion). The hold was an upper bound of what the request could use, so a crash never under-bills.
 * Runs before any budget is read. Returns the count.
 */
export function chargeLeftoverHolds(
  ledger: Ledger,
  nowMs: number,
  logger: Logger,
  costFor?: (model: string, usage: Usage) => number,
  known: ReadonlyMap<string, Usage> = new Map(),
): number {
  const holds = ledger.leftoverHolds();
  let reported = 0;
  for (const hold of holds) {
    const promptTokens = Math.min(hold.tokens, hold.promptTokens);
    const reportedUsage = hold.requestId === null ? undefined : known.get(hold.requestId);
    if (reportedUsage !== undefined) reported++;
    const usage = reportedUsage ?? { promptTokens, completionTokens: hold.tokens - promptTokens };
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
      { holds: holds.length, reported_by_neurons: reported },
      "charged budget holds left by a previous run (requests in flight when it stopped): at what the neuron reported, else in full",
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
