import { randomUUID } from "node:crypto";
import type { CortexConfig } from "@helexa/core";
import { type Logger, silentLogger } from "../internal/logger.js";
import type { EntitlementMetrics } from "./entitlement-metrics.js";
import type {
  HoldDetails,
  Identity,
  LocalEntitlements,
  Reservation,
  SettleDetails,
  Usage,
} from "./entitlements.js";
import { BudgetBook } from "./internal/budget-book.js";
import { chargeLeftoverHolds } from "./internal/charge-leftover-holds.js";
import { createAuthenticator } from "./internal/create-authenticator.js";
import { createKeyTable } from "./internal/key-table.js";
import { createRequestRecorder } from "./internal/record-request.js";
import { refusalError } from "./internal/refusal-error.js";
import { toKeyUsage } from "./internal/to-key-usage.js";
import { openLedger } from "./ledger.js";

export interface CreateEntitlementsOptions {
  config: CortexConfig["entitlements"];
  /** The SQLite ledger file (see `resolveLedgerPath`); created with its folder on first start. */
  ledgerPath: string;
  /** USD for a request (`computeCost(catalogue cost, usage)`); default 0. Errors and NaN count as 0. */
  costFor?: (model: string, usage: Usage) => number;
  /** Milliseconds since the epoch; default `Date.now`. */
  clock?: () => number;
  logger?: Logger;
  metrics?: EntitlementMetrics;
  /** Usage the neurons reported for requests behind holds a crash left (`lookUpLeftoverHolds`), by request id. */
  leftoverUsage?: ReadonlyMap<string, Usage>;
}

interface Pending {
  reservation: Reservation;
  uid: string;
}

/**
 * Keys, budgets and the ledger. With no keys configured, presented keys are ignored and every caller is
 * anonymous (an OpenAI SDK always sends some key); with keys configured, an unknown key is a 401 even when
 * `require_auth` is off. Anonymous requests are recorded in the ledger (null key) but never limited.
 */
export function createEntitlements(options: CreateEntitlementsOptions): LocalEntitlements {
  const { config } = options;
  const clock = options.clock ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const metrics = options.metrics;
  const keys = createKeyTable(config.keys);
  const ledger = openLedger(options.ledgerPath);
  chargeLeftoverHolds(ledger, clock(), logger, options.costFor, options.leftoverUsage);
  const book = new BudgetBook(keys.budgets, ledger);
  const pending = new Map<number, Pending>();
  const recorder = createRequestRecorder({ ledger, book, logger, metrics, costFor: options.costFor });
  let nextId = 1;
  let disposed = false;

  for (const warning of keys.warnings) logger.warn({}, warning);
  if (config.require_auth && config.keys.length === 0) {
    logger.warn({}, "entitlements.require_auth is set but no keys are configured: every request gets 401");
  }
  logger.info(
    { ledger: ledger.path, require_auth: config.require_auth, key_ids: [...keys.budgets.keys()] },
    "entitlements ready",
  );
  metrics?.setBudgetSource(() =>
    [...(disposed ? [] : keys.budgets.keys())]
      .map((keyId) => ({ keyId, ...book.snapshot(keyId, clock()) }))
      .map((sample) => ({
        keyId: sample.keyId,
        hardCap: sample.budget.hardCap,
        spent: sample.spent,
        reserved: sample.reserved,
      })),
  );

  const take = (reservation: Reservation, action: string): Pending | null => {
    const open = pending.get(reservation.id);
    if (open === undefined || open.reservation !== reservation) {
      logger.debug({ reservation: reservation.id, action }, "reservation already settled or released");
      return null;
    }
    pending.delete(reservation.id);
    if (reservation.identity !== null) {
      book.release(reservation.identity.keyId, reservation.tokens, clock());
    }
    return open;
  };

  const writeHold = (uid: string, reservation: Reservation, hold: HoldDetails) => {
    try {
      ledger.hold({
        reservationUid: uid,
        requestId: hold.requestId ?? null,
        timeMs: Math.floor(clock()),
        keyId: reservation.identity?.keyId ?? null,
        accountId: reservation.identity?.accountId ?? null,
        model: hold.model,
        tokens: reservation.tokens,
        promptTokens: Math.min(
          reservation.tokens,
          Math.max(0, Math.ceil(hold.promptTokens ?? reservation.tokens)),
        ),
      });
    } catch (error) {
      // Serving goes on: the hold still limits this process; only a crash before settling would miss it.
      logger.error({ err: error, model: hold.model }, "could not write budget hold to the ledger");
      metrics?.ledgerWriteErrors.inc();
    }
  };

  return {
    authenticate: createAuthenticator(config, keys, logger, metrics),

    reserve(identity, tokens, hold) {
      if (!Number.isFinite(tokens) || tokens < 0) throw new RangeError(`cannot reserve ${tokens} tokens`);
      const amount = Math.ceil(tokens);
      if (identity !== null) {
        const outcome = book.tryReserve(identity.keyId, amount, clock());
        if (!outcome.ok) {
          metrics?.budgetRejections.inc({
            key_id: identity.keyId,
            account_id: identity.accountId,
            reason: outcome.reason,
          });
          logger.info({ key_id: identity.keyId, tokens: amount, reason: outcome.reason }, "budget refused");
          throw refusalError(outcome, amount);
        }
      }
      const reservation: Reservation = Object.freeze({ id: nextId++, identity, tokens: amount });
      const uid = randomUUID();
      if (hold !== undefined && !disposed) writeHold(uid, reservation, hold);
      pending.set(reservation.id, { reservation, uid });
      return reservation;
    },

    settle(reservation, usage, details) {
      const open = take(reservation, "settle");
      if (open !== null) recorder.record(open.reservation, open.uid, usage, details, clock(), disposed);
    },

    release(reservation, details: SettleDetails) {
      const open = take(reservation, "release");
      const zero = { promptTokens: 0, completionTokens: 0 };
      if (open !== null) recorder.record(open.reservation, open.uid, zero, details, clock(), disposed);
    },

    identities: () => keys.identities,

    usageFor(identity: Identity) {
      return toKeyUsage(identity, book.snapshot(identity.keyId, clock()), clock());
    },

    dispose() {
      if (disposed) return;
      disposed = true;
      if (pending.size > 0) {
        logger.warn(
          { in_flight: pending.size },
          "ledger closing with requests in flight; later settles are dropped",
        );
      }
      ledger.close();
    },
  };
}
