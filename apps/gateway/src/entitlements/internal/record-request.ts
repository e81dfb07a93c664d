import type { Logger } from "../../internal/logger.js";
import type { EntitlementMetrics } from "../entitlement-metrics.js";
import { ANONYMOUS_LABEL } from "../entitlement-metrics.js";
import type { Reservation, SettleDetails, Usage } from "../entitlements.js";
import type { Ledger } from "../ledger.js";
import type { BudgetBook } from "./budget-book.js";

export interface RequestRecorderOptions {
  ledger: Ledger;
  book: BudgetBook;
  logger: Logger;
  metrics: EntitlementMetrics | undefined;
  costFor: ((model: string, usage: Usage) => number) | undefined;
}

export interface RequestRecorder {
  /** Writes the ledger row, then counts the spend and the metrics. Never throws: failures are logged. */
  record(
    reservation: Reservation,
    uid: string,
    usage: Usage,
    details: SettleDetails,
    nowMs: number,
    disposed: boolean,
  ): void;
}

/** A token count from an upstream reply: a non-negative integer, anything else counts as 0. */
function tokenCount(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

export function createRequestRecorder(options: RequestRecorderOptions): RequestRecorder {
  const { ledger, book, logger, metrics } = options;

  const costOf = (model: string, usage: Usage): number => {
    if (options.costFor === undefined || usage.promptTokens + usage.completionTokens === 0) return 0;
    try {
      const cost = options.costFor(model, usage);
      return Number.isFinite(cost) && cost > 0 ? cost : 0;
    } catch (error) {
      logger.warn({ model, err: error }, "cost lookup failed; recording cost 0");
      return 0;
    }
  };

  return {
    record(reservation, uid, rawUsage, details, nowMs, disposed) {
      const usage = {
        promptTokens: tokenCount(rawUsage.promptTokens),
        completionTokens: tokenCount(rawUsage.completionTokens),
      };
      const identity = reservation.identity;
      const costUsd = costOf(details.model, usage);
      const row = {
        reservationUid: uid,
        requestId: details.requestId ?? null,
        timeMs: Math.floor(nowMs),
        keyId: identity?.keyId ?? null,
        accountId: identity?.accountId ?? null,
        model: details.model,
        node: details.node,
        promptTokens: usage.promptTokens,
        completionTokens: usage.completionTokens,
        costUsd,
        outcome: details.outcome,
      };
      if (disposed) {
        logger.warn({ ...row, reservationUid: undefined }, "ledger closed; usage row dropped");
        metrics?.ledgerWriteErrors.inc();
        return;
      }
      try {
        ledger.append(row);
      } catch (error) {
        // The tokens were used either way: keep enforcing them in this process, and log the row so an
        // operator can reconcile it; a settle must never break the response it finishes.
        logger.error({ ...row, reservationUid: undefined, err: error }, "could not write usage row");
        metrics?.ledgerWriteErrors.inc();
      }
      const total = usage.promptTokens + usage.completionTokens;
      if (identity !== null) book.spend(identity.keyId, total, nowMs);
      if (metrics === undefined) return;
      const labels = {
        key_id: identity?.keyId ?? ANONYMOUS_LABEL,
        account_id: identity?.accountId ?? ANONYMOUS_LABEL,
      };
      metrics.requests.inc({ ...labels, outcome: details.outcome });
      metrics.tokens.inc({ ...labels, kind: "prompt" }, usage.promptTokens);
      metrics.tokens.inc({ ...labels, kind: "completion" }, usage.completionTokens);
      metrics.costUsd.inc(labels, costUsd);
    },
  };
}
