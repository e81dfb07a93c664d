import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { type CortexConfig, serviceUnavailable } from "@helexa/core";
import { type Logger, silentLogger } from "../internal/logger.js";
import type { LedgerStore } from "../ledger-store/ledger-store.js";
import { ANONYMOUS_LABEL, type BudgetGaugeSample, type EntitlementMetrics } from "./entitlement-metrics.js";
import type {
  EntitlementsWithUsage,
  HoldDetails,
  Identity,
  Reservation,
  SettleDetails,
  Usage,
} from "./entitlements.js";
import { createAuthenticator } from "./internal/create-authenticator.js";
import { type Budget, createKeyTable } from "./internal/key-table.js";
import { reclaimExpiredHolds } from "./internal/reclaim-expired-holds.js";
import { refusalError } from "./internal/refusal-error.js";
import { toKeyUsage } from "./internal/to-key-usage.js";
import type { KeyUsage } from "./key-usage.js";

export interface CreateSharedEntitlementsOptions {
  config: CortexConfig["entitlements"];
  /** The shared ledger (`openLedgerStore` with `[ledger] url`); the caller closes it after `dispose`. */
  store: LedgerStore;
  /** `[ledger] lease_seconds` in ms: how long this gateway's holds outlive it. */
  leaseMs: number;
  costFor?: (model: string, usage: Usage) => number;
  clock?: () => number;
  logger?: Logger;
  metrics?: EntitlementMetrics;
  /** What the neurons say a request behind a dead gateway's hold generated (see `lookUpLeftoverHolds`). */
  lookUpUsage?: (requestId: string) => Promise<Usage | undefined>;
}

/** What `createSharedEntitlements` returns: every store call answers with a promise. */
export interface SharedEntitlements extends EntitlementsWithUsage {
  reserve(identity: Identity | null, tokens: number, hold?: HoldDetails): Promise<Reservation>;
  usageFor(identity: Identity): Promise<KeyUsage>;
  dispose(): Promise<void>;
}

const UNCAPPED: Budget = { hardCap: null, window: { kind: "balance" } };

/**
 * Keys and budgets on a ledger several gateways share. Each reservation is decided by the store (see
 * `LedgerStore.reserve`), so a key's cap holds whichever gateway a request reaches; each settle is written
 * in the background and awaited by `dispose`. Holds carry this gateway's lease, renewed every third of
 * it; every gateway charges holds whose lease ran out (their gateway died), at start and every half lease.
 * `/v1/usage` reads the store, so it shows the same spend on every gateway.
 */
export async function createSharedEntitlements(
  options: CreateSharedEntitlementsOptions,
): Promise<SharedEntitlements> {
  const { config, store, leaseMs } = options;
  const clock = options.clock ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const metrics = options.metrics;
  const keys = createKeyTable(config.keys);
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const pending = new Map<number, { reservation: Reservation; uid: string; model: string }>();
  const writes = new Set<Promise<unknown>>();
  let nextId = 1;
  let disposed = false;
  let gauges: BudgetGaugeSample[] = [];

  const costFor = (model: string, usage: Usage): number => {
    if (options.costFor === undefined || usage.promptTokens + usage.completionTokens === 0) return 0;
    try {
      const cost = options.costFor(model, usage);
      return Number.isFinite(cost) && cost > 0 ? cost : 0;
    } catch {
      return 0;
    }
  };
  const track = (work: Promise<unknown>) => {
    writes.add(work);
    void work.finally(() => writes.delete(work));
  };
  const budgetOf = (keyId: string) => keys.budgets.get(keyId) ?? UNCAPPED;

  let reclaiming = false;
  const reclaim = async () => {
    if (reclaiming || disposed) return;
    reclaiming = true;
    try {
      const found = options.lookUpUsage;
      await reclaimExpiredHolds({ store, nowMs: clock(), logger, costFor, lookUpUsage: found });
    } catch (error) {
      logger.error({ err: error }, "could not charge expired budget holds; retrying");
    } finally {
      reclaiming = false;
    }
  };
  const renew = async () => {
    try {
      await store.renewLeases(owner, clock() + leaseMs);
      gauges = await Promise.all(
        [...keys.budgets].map(async ([keyId, budget]) => ({
          keyId,
          hardCap: budget.hardCap,
          ...(await store.spendOf(keyId, budget, clock())),
        })),
      );
    } catch (error) {
      logger.error({ err: error }, "could not renew budget hold leases; retrying");
    }
  };
  await reclaim();
  const renewTimer = setInterval(() => track(renew()), Math.max(100, Math.floor(leaseMs / 3)));
  const reclaimTimer = setInterval(() => track(reclaim()), Math.max(100, Math.floor(leaseMs / 2)));
  renewTimer.unref();
  reclaimTimer.unref();
  metrics?.setBudgetSource(() => (disposed ? [] : gauges));
  for (const warning of keys.warnings) logger.warn({}, warning);
  logger.info(
    { ledger: store.location, lease_owner: owner, key_ids: [...keys.budgets.keys()] },
    "entitlements ready (shared ledger)",
  );

  const finish = (reservation: Reservation, usage: Usage, details: SettleDetails) => {
    const open = pending.get(reservation.id);
    if (open === undefined || open.reservation !== reservation) return;
    pending.delete(reservation.id);
    const identity = reservation.identity;
    const tokens = (value: number) => (Number.isFinite(value) && value > 0 ? Math.round(value) : 0);
    const counted = {
      promptTokens: tokens(usage.promptTokens),
      completionTokens: tokens(usage.completionTokens),
    };
    const row = {
      reservationUid: open.uid,
      requestId: details.requestId ?? null,
      timeMs: Math.floor(clock()),
      keyId: identity?.keyId ?? null,
      accountId: identity?.accountId ?? null,
      model: details.model,
      node: details.node,
      ...counted,
      costUsd: costFor(details.model, counted),
      outcome: details.outcome,
    };
    if (disposed) {
      logger.warn({ ...row, reservationUid: undefined }, "ledger closed; usage row dropped");
      metrics?.ledgerWriteErrors.inc();
      return;
    }
    track(
      store.record(row).catch((error: unknown) => {
        // The hold stays in the store and is charged in full once this gateway's lease runs out.
        logger.error({ ...row, reservationUid: undefined, err: error }, "could not write usage row");
        metrics?.ledgerWriteErrors.inc();
      }),
    );
    if (metrics === undefined) return;
    const labels = {
      key_id: identity?.keyId ?? ANONYMOUS_LABEL,
      account_id: identity?.accountId ?? ANONYMOUS_LABEL,
    };
    metrics.requests.inc({ ...labels, outcome: details.outcome });
    metrics.tokens.inc({ ...labels, kind: "prompt" }, counted.promptTokens);
    metrics.tokens.inc({ ...labels, kind: "completion" }, counted.completionTokens);
    metrics.costUsd.inc(labels, row.costUsd);
  };

  return {
    authenticate: createAuthenticator(config, keys, logger, metrics),

    async reserve(identity, tokens, hold) {
      if (!Number.isFinite(tokens) || tokens < 0) throw new RangeError(`cannot reserve ${tokens} tokens`);
      const amount = Math.ceil(tokens);
      const uid = randomUUID();
      const nowMs = clock();
      const promptTokens = Math.min(amount, Math.max(0, Math.ceil(hold?.promptTokens ?? amount)));
      let outcome: Awaited<ReturnType<LedgerStore["reserve"]>>;
      try {
        outcome = await store.reserve({
          hold: {
            reservationUid: uid,
            requestId: hold?.requestId ?? null,
            timeMs: Math.floor(nowMs),
            keyId: identity?.keyId ?? null,
            accountId: identity?.accountId ?? null,
            model: hold?.model ?? "",
            tokens: amount,
            promptTokens,
            leaseOwner: owner,
            leaseExpiresMs: Math.floor(nowMs + leaseMs),
          },
          budget: identity === null ? null : budgetOf(identity.keyId),
          nowMs,
        });
      } catch (error) {
        logger.error({ err: error }, "the shared ledger did not answer a budget reservation");
        metrics?.ledgerWriteErrors.inc();
        throw serviceUnavailable("the usage ledger is unavailable; retry shortly", 1);
      }
      if (!outcome.ok) {
        if (identity !== null) {
          metrics?.budgetRejections.inc({
            key_id: identity.keyId,
            account_id: identity.accountId,
            reason: outcome.reason,
          });
          logger.info({ key_id: identity.keyId, tokens: amount, reason: outcome.reason }, "budget refused");
        }
        throw refusalError(outcome, amount);
      }
      const reservation: Reservation = Object.freeze({ id: nextId++, identity, tokens: amount });
      pending.set(reservation.id, { reservation, uid, model: hold?.model ?? "" });
      return reservation;
    },

    settle(reservation, usage, details) {
      finish(reservation, usage, details);
    },

    release(reservation, details) {
      finish(reservation, { promptTokens: 0, completionTokens: 0 }, details);
    },

    async usageFor(identity) {
      const budget = budgetOf(identity.keyId);
      const nowMs = clock();
      const spend = await store.spendOf(identity.keyId, budget, nowMs);
      return toKeyUsage(identity, { budget, ...spend, buckets: 0 }, nowMs);
    },

    identities: () => keys.identities,

    async dispose() {
      if (disposed) return;
      clearInterval(renewTimer);
      clearInterval(reclaimTimer);
      // Settles already made are written; holds still open stay leased and are charged by the others.
      await Promise.allSettled([...writes]);
      disposed = true;
      if (pending.size > 0) {
        logger.warn(
          { in_flight: pending.size },
          "ledger closing with requests in flight; their holds are charged once the lease runs out",
        );
      }
    },
  };
}
