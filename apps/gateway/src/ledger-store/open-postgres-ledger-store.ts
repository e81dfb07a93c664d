import pg from "pg";
import type { SpendEntry } from "../entitlements/internal/budget-book.js";
import type { HoldRow, LedgerRow } from "../entitlements/ledger.js";
import type { NeuronRegistration } from "../join/registration-store.js";
import { createPostgresLedgerTotals } from "./internal/create-postgres-ledger-totals.js";
import { createPostgresResponseStore } from "./internal/create-postgres-response-store.js";
import { decideReservation } from "./internal/decide-reservation.js";
import { preparePostgresSchema } from "./internal/prepare-postgres-schema.js";
import { firstFreeingSql, rollingSpendSql } from "./internal/rolling-window-sql.js";
import type { KeySpend, LedgerStore, ReservationRequest } from "./ledger-store.js";
import type { LedgerStoreOptions } from "./open-sqlite-ledger-store.js";
import { redactLedgerUrl } from "./redact-ledger-url.js";

export interface PostgresLedgerStoreOptions extends LedgerStoreOptions {
  /** A failed background write (a stored response): logged by the caller. */
  onError?: (error: unknown) => void;
  /** Connections in the pool; default 10. */
  maxConnections?: number;
  /** Gives up on a connection attempt after this long (`cortex usage`); default: waits as long as TCP does. */
  connectTimeoutMs?: number;
}

/** BIGINT columns and `::bigint` sums come back as numbers (token counts and ms stay far below 2^53). */
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === pg.types.builtins.INT8
      ? Number
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

const ROLLING_SPEND = rollingSpendSql((index) => `$${index}`);
const FIRST_FREEING = firstFreeingSql((index) => `$${index}`);

const HOLD_COLUMNS = `reservation_uid AS "reservationUid", request_id AS "requestId", time_ms AS "timeMs",
  key_id AS "keyId", account_id AS "accountId", model, tokens, prompt_tokens AS "promptTokens"`;

/**
 * The ledger store on PostgreSQL, shared by every gateway given the same `url`. A reservation takes a
 * per-key transaction lock (`pg_advisory_xact_lock`), then reads spend and every gateway's holds in one
 * statement and writes its hold before committing: two reservations against one key never interleave,
 * so spend + holds stays under the cap across gateways. Recording does not take the lock: it moves a
 * hold's tokens into spend in one transaction, which a reservation's single read sees whole or not at all.
 * `readonly` (`cortex usage`): every session is a read-only transaction, and the schema is checked, not migrated.
 */
export async function openPostgresLedgerStore(
  url: string,
  options: LedgerStoreOptions & PostgresLedgerStoreOptions,
): Promise<LedgerStore> {
  const location = redactLedgerUrl(url);
  const now = options.now ?? Date.now;
  const readonly = options.readonly ?? false;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    types,
    // Read-only: the server itself refuses every write of this pool's sessions.
    ...(readonly ? { options: "-c default_transaction_read_only=on" } : {}),
    ...(options.connectTimeoutMs === undefined ? {} : { connectionTimeoutMillis: options.connectTimeoutMs }),
  });
  // An idle connection the server dropped: the pool replaces it; without a listener it would crash cortex.
  pool.on("error", (error) => options.onError?.(error));
  try {
    await preparePostgresSchema(pool, location, !readonly);
  } catch (error) {
    await pool.end().catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot open the ledger at ${location}: ${reason}`, { cause: error });
  }

  const spend = async (
    client: pg.Pool | pg.PoolClient,
    keyId: string,
    budget: ReservationRequest["budget"],
    nowMs: number,
  ): Promise<KeySpend> => {
    const window = budget?.window ?? { kind: "balance" as const };
    const result =
      window.kind === "balance"
        ? await client.query<KeySpend>(
            `SELECT coalesce((SELECT prompt_tokens + completion_tokens FROM key_totals WHERE key_id = $1), 0)
               ::bigint AS spent,
             (SELECT coalesce(sum(tokens), 0) FROM holds WHERE key_id = $1)::bigint AS reserved,
             NULL::bigint AS "oldestMs", NULL::bigint AS "newestMs"`,
            [keyId],
          )
        : await client.query<KeySpend>(
            `SELECT window_spend.spent, window_spend."oldestMs", window_spend."newestMs",
               (SELECT coalesce(sum(tokens), 0) FROM holds WHERE key_id = $1)::bigint AS reserved
             FROM (${ROLLING_SPEND}) AS window_spend`,
            [keyId, nowMs - window.seconds * 1000],
          );
    const row = result.rows[0];
    if (row === undefined) throw new Error("spend query returned no row");
    return row;
  };

  const insertHold = (client: pg.Pool | pg.PoolClient, hold: ReservationRequest["hold"]) =>
    client.query(
      `INSERT INTO holds (reservation_uid, request_id, time_ms, key_id, account_id, model, tokens,
         prompt_tokens, lease_owner, lease_expires_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        hold.reservationUid,
        hold.requestId,
        hold.timeMs,
        hold.keyId,
        hold.accountId,
        hold.model,
        hold.tokens,
        hold.promptTokens,
        hold.leaseOwner,
        hold.leaseExpiresMs,
      ],
    );

  const inTransaction = async <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  };

  return {
    kind: "postgres",
    location,

    async reserve({ hold, budget, nowMs }) {
      const keyId = hold.keyId;
      const cap = budget?.hardCap ?? null;
      if (budget === null || keyId === null || cap === null) {
        await insertHold(pool, hold);
        return { ok: true };
      }
      return inTransaction(async (client) => {
        await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 15))", [keyId]);
        const { spent, reserved } = await spend(client, keyId, budget, nowMs);
        const since = budget.window.kind === "rolling" ? nowMs - budget.window.seconds * 1000 : 0;
        let entries: SpendEntry[] = [];
        const needed = hold.tokens - Math.max(0, cap - spent - reserved);
        if (budget.window.kind === "rolling" && needed > 0 && hold.tokens <= cap) {
          const rows = await client.query<SpendEntry>(FIRST_FREEING, [keyId, since, needed]);
          entries = rows.rows;
        }
        const outcome = decideReservation(budget, hold.tokens, spent, reserved, nowMs, () => entries);
        if (outcome.ok) await insertHold(client, hold);
        return outcome;
      });
    },

    record: (row: LedgerRow) =>
      inTransaction(async (client) => {
        await client.query("DELETE FROM holds WHERE reservation_uid = $1", [row.reservationUid]);
        const inserted = await client.query(
          `INSERT INTO requests (reservation_uid, request_id, time_ms, key_id, account_id, model, node,
             prompt_tokens, completion_tokens, cost_usd, outcome)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
           ON CONFLICT (reservation_uid) DO NOTHING`,
          [
            row.reservationUid,
            row.requestId,
            row.timeMs,
            row.keyId,
            row.accountId,
            row.model,
            row.node,
            row.promptTokens,
            row.completionTokens,
            row.costUsd,
            row.outcome,
          ],
        );
        if ((inserted.rowCount ?? 0) === 0) return false;
        if (row.keyId !== null) {
          await client.query(
            `INSERT INTO key_totals (key_id, requests, prompt_tokens, completion_tokens, cost_usd)
             VALUES ($1, 1, $2, $3, $4)
             ON CONFLICT (key_id) DO UPDATE SET requests = key_totals.requests + 1,
               prompt_tokens = key_totals.prompt_tokens + excluded.prompt_tokens,
               completion_tokens = key_totals.completion_tokens + excluded.completion_tokens,
               cost_usd = key_totals.cost_usd + excluded.cost_usd`,
            [row.keyId, row.promptTokens, row.completionTokens, row.costUsd],
          );
        }
        return true;
      }),

    spendOf: (keyId, budget, nowMs) => spend(pool, keyId, budget, nowMs),

    async renewLeases(owner, expiresMs) {
      const result = await pool.query("UPDATE holds SET lease_expires_ms = $1 WHERE lease_owner = $2", [
        expiresMs,
        owner,
      ]);
      return result.rowCount ?? 0;
    },

    async expiredHolds(nowMs) {
      const result = await pool.query<HoldRow>(
        `SELECT ${HOLD_COLUMNS} FROM holds WHERE lease_expires_ms < $1 ORDER BY time_ms, reservation_uid`,
        [nowMs],
      );
      return result.rows;
    },

    responses: createPostgresResponseStore(pool, {
      retentionMs: options.responsesRetentionMs,
      now,
      onError: (error) => options.onError?.(error),
    }),

    registrations: {
      async upsert(registration) {
        await pool.query(
          `INSERT INTO neuron_registrations (id, name, url, auth_token, registered_ms, expires_ms)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, url = excluded.url,
             auth_token = excluded.auth_token, registered_ms = excluded.registered_ms,
             expires_ms = excluded.expires_ms`,
          [
            registration.id,
            registration.name,
            registration.url,
            registration.authToken,
            registration.registeredAtMs,
            registration.expiresAtMs,
          ],
        );
      },
      async live(nowMs) {
        const result = await pool.query<NeuronRegistration>(
          `SELECT id, name, url, auth_token AS "authToken", registered_ms AS "registeredAtMs",
             expires_ms AS "expiresAtMs"
           FROM neuron_registrations WHERE expires_ms > $1 ORDER BY id`,
          [nowMs],
        );
        return result.rows;
      },
      async remove(id) {
        await pool.query("DELETE FROM neuron_registrations WHERE id = $1", [id]);
      },
    },

    totals: createPostgresLedgerTotals(pool),

    close: () => pool.end(),
  };
}
