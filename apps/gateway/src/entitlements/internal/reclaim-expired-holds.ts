import type { Logger } from "../../internal/logger.js";
import type { LedgerStore } from "../../ledger-store/ledger-store.js";
import type { Usage } from "../entitlements.js";

export interface ReclaimOptions {
  store: LedgerStore;
  nowMs: number;
  logger: Logger;
  costFor: (model: string, usage: Usage) => number;
  /** What the neurons say the request generated, when one still knows (`GET /v1/requests/{id}/usage`). */
  lookUpUsage?: ((requestId: string) => Promise<Usage | undefined>) | undefined;
}

/**
 * Charges the holds whose lease ran out (the gateway that took them stopped renewing: it died) as
 * `aborted` rows: at what a neuron reports for the request, else the whole hold (an upper bound of what it
 * could use, so a lost gateway never under-bills). Every gateway runs this; a hold two of them charge at
 * once is recorded once (`record` is idempotent per reservation). Returns how many this call charged.
 */
export async function reclaimExpiredHolds(options: ReclaimOptions): Promise<number> {
  const { store, nowMs, logger } = options;
  const holds = await store.expiredHolds(nowMs);
  let charged = 0;
  let reported = 0;
  for (const hold of holds) {
    const promptTokens = Math.min(hold.tokens, hold.promptTokens);
    const known =
      hold.requestId === null || options.lookUpUsage === undefined
        ? undefined
        : await options.lookUpUsage(hold.requestId).catch(() => undefined);
    if (known !== undefined) reported += 1;
    const usage = known ?? { promptTokens, completionTokens: hold.tokens - promptTokens };
    const recorded = await store.record({
      reservationUid: hold.reservationUid,
      requestId: hold.requestId,
      timeMs: Math.floor(nowMs),
      keyId: hold.keyId,
      accountId: hold.accountId,
      model: hold.model,
      node: null,
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      costUsd: options.costFor(hold.model, usage),
      outcome: "aborted",
    });
    if (recorded) charged += 1;
  }
  if (charged > 0) {
    logger.warn(
      { holds: charged, reported_by_neurons: reported },
      "charged budget holds whose gateway stopped renewing them (it died mid-request): at what the neuron reported, else in full",
    );
  }
  return charged;
}
