import type pg from "pg";
import type { KeyTotals, ModelTotals } from "../../entitlements/ledger-report.js";
import type { LedgerTotals } from "../ledger-store.js";

/** The same columns as the SQLite report's (`ledger-report.ts`); sums cast to BIGINT so they parse as numbers. */
const TOTALS = `count(*) AS requests, count(*) FILTER (WHERE outcome <> 'ok') AS failed,
  coalesce(sum(prompt_tokens), 0)::bigint AS "promptTokens",
  coalesce(sum(completion_tokens), 0)::bigint AS "completionTokens",
  coalesce(sum(cost_usd), 0) AS "costUsd"`;

/**
 * `cortex usage`'s totals on the PostgreSQL ledger: the rows and order the SQLite file gives (model names in
 * byte order, `COLLATE "C"`, whatever the database's collation), so a report reads the same on either store.
 */
export function createPostgresLedgerTotals(pool: pg.Pool): LedgerTotals {
  return {
    async byKey(sinceMs) {
      const result = await pool.query<KeyTotals>(
        `SELECT key_id AS "keyId", account_id AS "accountId", ${TOTALS} FROM requests WHERE time_ms >= $1
         GROUP BY key_id, account_id ORDER BY key_id IS NULL, key_id COLLATE "C", account_id COLLATE "C"`,
        [sinceMs],
      );
      return result.rows;
    },
    async byModel(sinceMs) {
      const result = await pool.query<ModelTotals>(
        `SELECT model, ${TOTALS} FROM requests WHERE time_ms >= $1 GROUP BY model ORDER BY model COLLATE "C"`,
        [sinceMs],
      );
      return result.rows;
    },
    async span() {
      const result = await pool.query<{ rows: number; firstMs: number | null; lastMs: number | null }>(
        `SELECT count(*) AS rows, min(time_ms) AS "firstMs", max(time_ms) AS "lastMs" FROM requests`,
      );
      const row = result.rows[0];
      if (row === undefined) throw new Error("span query returned no row");
      return row;
    },
  };
}
