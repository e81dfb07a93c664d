import type Database from "better-sqlite3";

/** Totals over ledger rows. `failed` counts rows whose outcome is not `ok`. */
export interface UsageTotals {
  requests: number;
  failed: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

export interface KeyTotals extends UsageTotals {
  /** null for anonymous requests. */
  keyId: string | null;
  accountId: string | null;
}

export interface ModelTotals extends UsageTotals {
  model: string;
}

const TOTALS = `count(*) AS requests, coalesce(sum(outcome <> 'ok'), 0) AS failed,
  coalesce(sum(prompt_tokens), 0) AS promptTokens, coalesce(sum(completion_tokens), 0) AS completionTokens,
  coalesce(sum(cost_usd), 0) AS costUsd`;

/** Per `(key_id, account_id)` totals of rows at or after `sinceMs` (all rows when 0). */
export function totalsByKey(database: Database.Database, sinceMs = 0): KeyTotals[] {
  return database
    .prepare(
      `SELECT key_id AS keyId, account_id AS accountId, ${TOTALS} FROM requests WHERE time_ms >= ?
       GROUP BY key_id, account_id ORDER BY key_id IS NULL, key_id, account_id`,
    )
    .all(sinceMs) as KeyTotals[];
}

/** Per-model totals of rows at or after `sinceMs`. */
export function totalsByModel(database: Database.Database, sinceMs = 0): ModelTotals[] {
  return database
    .prepare(`SELECT model, ${TOTALS} FROM requests WHERE time_ms >= ? GROUP BY model ORDER BY model`)
    .all(sinceMs) as ModelTotals[];
}

/** The time span and row count of the whole ledger. */
export function ledgerSpan(database: Database.Database): {
  rows: number;
  firstMs: number | null;
  lastMs: number | null;
} {
  return database
    .prepare("SELECT count(*) AS rows, min(time_ms) AS firstMs, max(time_ms) AS lastMs FROM requests")
    .get() as { rows: number; firstMs: number | null; lastMs: number | null };
}
