import type { SpendEntry } from "../entitlements/internal/budget-book.js";
import type { HoldRow } from "../entitlements/ledger.js";
import { openLedger } from "../entitlements/ledger.js";
import { ledgerSpan, totalsByKey, totalsByModel } from "../entitlements/ledger-report.js";
import type { NeuronRegistration } from "../join/registration-store.js";
import { createLedgerResponseStore } from "../responses/create-ledger-response-store.js";
import { decideReservation } from "./internal/decide-reservation.js";
import { firstFreeingSql, rollingSpendSql } from "./internal/rolling-window-sql.js";
import type { KeySpend, LedgerStore, OpenLedgerStoreOptions, ReservationRequest } from "./ledger-store.js";

export interface LedgerStoreOptions extends OpenLedgerStoreOptions {
  /** How long stored responses are kept. */
  responsesRetentionMs: number;
  /** Milliseconds since the epoch; default `Date.now`. */
  now?: () => number;
}

const HOLD_COLUMNS = `reservation_uid AS reservationUid, request_id AS requestId, time_ms AS timeMs,
  key_id AS keyId, account_id AS accountId, model, tokens, prompt_tokens AS promptTokens`;

/**
 * The ledger store on the SQLite file at `path` (see `openLedger`: WAL, durable writes, migrations at
 * open). Every method finishes before it returns; the promises are already settled. `reserve` reads spend
 * and holds and writes the hold in one immediate transaction, so it is atomic even between processes
 * sharing the file. `readonly`: see `openLedger` (the file must exist at this build's schema version).
 */
export function openSqliteLedgerStore(path: string, options: LedgerStoreOptions): LedgerStore {
  const ledger = openLedger(path, { readonly: options.readonly ?? false });
  const database = ledger.database;
  const now = options.now ?? Date.now;
  const windowSpend = database.prepare(rollingSpendSql(() => "?"));
  const firstFreeing = database.prepare(firstFreeingSql(() => "?"));
  const reservedFor = database.prepare(
    "SELECT coalesce(sum(tokens), 0) AS reserved FROM holds WHERE key_id = ?",
  );
  const insertHold = database.prepare(
    `INSERT INTO holds (reservation_uid, request_id, time_ms, key_id, account_id, model, tokens,
       prompt_tokens, lease_owner, lease_expires_ms)
     VALUES (@reservationUid, @requestId, @timeMs, @keyId, @accountId, @model, @tokens, @promptTokens,
       @leaseOwner, @leaseExpiresMs)`,
  );
  const renew = database.prepare("UPDATE holds SET lease_expires_ms = ? WHERE lease_owner = ?");
  const expired = database.prepare(
    `SELECT ${HOLD_COLUMNS} FROM holds WHERE lease_expires_ms < ? ORDER BY time_ms, rowid`,
  );
  const upsertRegistration = database.prepare(
    `INSERT INTO neuron_registrations (id, name, url, auth_token, registered_ms, expires_ms)
     VALUES (@id, @name, @url, @authToken, @registeredAtMs, @expiresAtMs)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, url = excluded.url,
       auth_token = excluded.auth_token, registered_ms = excluded.registered_ms,
       expires_ms = excluded.expires_ms`,
  );
  const liveRegistrations = database.prepare(
    `SELECT id, name, url, auth_token AS authToken, registered_ms AS registeredAtMs,
       expires_ms AS expiresAtMs
     FROM neuron_registrations WHERE expires_ms > ? ORDER BY id`,
  );
  const removeRegistration = database.prepare("DELETE FROM neuron_registrations WHERE id = ?");

  const spend = (keyId: string, budget: ReservationRequest["budget"], nowMs: number): KeySpend => {
    const reserved = (reservedFor.get(keyId) as { reserved: number }).reserved;
    const window = budget?.window ?? { kind: "balance" as const };
    if (window.kind === "balance") {
      return { spent: ledger.totalFor(keyId), reserved, oldestMs: null, newestMs: null };
    }
    const row = windowSpend.get(keyId, nowMs - window.seconds * 1000) as KeySpend;
    return { spent: row.spent, reserved, oldestMs: row.oldestMs, newestMs: row.newestMs };
  };

  const reserve = database.transaction((request: ReservationRequest) => {
    const { hold, budget, nowMs } = request;
    if (budget !== null && hold.keyId !== null) {
      const { spent, reserved } = spend(hold.keyId, budget, nowMs);
      const keyId = hold.keyId;
      const since = budget.window.kind === "rolling" ? nowMs - budget.window.seconds * 1000 : 0;
      const outcome = decideReservation(
        budget,
        hold.tokens,
        spent,
        reserved,
        nowMs,
        (needed) => firstFreeing.all(keyId, since, needed) as SpendEntry[],
      );
      if (!outcome.ok) return outcome;
    }
    insertHold.run(hold);
    return { ok: true } as const;
  });

  return {
    kind: "sqlite",
    location: path,
    reserve: async (request) => reserve.immediate(request),
    record: async (row) => ledger.append(row),
    spendOf: async (keyId, budget, nowMs) => spend(keyId, budget, nowMs),
    renewLeases: async (owner, expiresMs) => renew.run(expiresMs, owner).changes,
    expiredHolds: async (nowMs) => expired.all(nowMs) as HoldRow[],
    responses: createLedgerResponseStore(database, {
      retentionMs: options.responsesRetentionMs,
      now,
    }),
    registrations: {
      upsert: async (registration) => {
        upsertRegistration.run(registration);
      },
      live: async (nowMs) => liveRegistrations.all(nowMs) as NeuronRegistration[],
      remove: async (id) => {
        removeRegistration.run(id);
      },
    },
    totals: {
      byKey: async (sinceMs) => totalsByKey(database, sinceMs),
      byModel: async (sinceMs) => totalsByModel(database, sinceMs),
      span: async () => ledgerSpan(database),
    },
    close: async () => ledger.close(),
  };
}
