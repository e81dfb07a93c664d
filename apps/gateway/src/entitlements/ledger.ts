import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { SpendEntry, SpendSource } from "./internal/budget-book.js";
import { prepareLedgerSchema } from "./internal/ledger-schema.js";

/** One ledger row: a settled (or released) request. Anonymous requests have null key and account ids. */
export interface LedgerRow {
  reservationUid: string;
  requestId: string | null;
  timeMs: number;
  keyId: string | null;
  accountId: string | null;
  model: string;
  node: string | null;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  outcome: "ok" | "error" | "aborted";
}

/** A budget hold as the ledger keeps it until its request is recorded (see `docs/decisions/0003-usage-ledger.md`). */
export interface HoldRow {
  reservationUid: string;
  requestId: string | null;
  timeMs: number;
  keyId: string | null;
  accountId: string | null;
  model: string;
  /** The whole hold. */
  tokens: number;
  /** The part of `tokens` held for the prompt (the rest is output). */
  promptTokens: number;
}

export interface LedgerOptions {
  /** Open for reading only (`cortex usage`): the file must exist and is never migrated. Default false. */
  readonly?: boolean;
}

/** The SQLite usage ledger. Every method is synchronous (better-sqlite3). */
export interface Ledger extends SpendSource {
  readonly path: string;
  /**
   * Appends the row and adds it to `key_totals` in one transaction. Returns false (and changes nothing)
   * when a row with the same `reservationUid` is already there.
   */
  append(row: LedgerRow): boolean;
  /** Writes a hold before its request is dispatched; `append` with the same uid deletes it. */
  hold(row: HoldRow): void;
  /** Holds whose requests were never recorded (the process died in between), oldest first. */
  leftoverHolds(): HoldRow[];
  /** The open SQLite handle, for read-only reports. */
  readonly database: Database.Database;
  close(): void;
}

/**
 * Opens (creating it and its folder on first start) the ledger at `path`. WAL mode with
 * `synchronous = FULL`: a transaction is durable once `append` returns — across SIGKILL (NORMAL would
 * already give that) and across power loss (what FULL adds, for one WAL fsync per settled request, cheap
 * beside an LLM request). `busy_timeout` lets `cortex usage` read while cortex writes.
 */
export function openLedger(path: string, options: LedgerOptions = {}): Ledger {
  const readonly = options.readonly ?? false;
  if (!readonly && path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path, { readonly, fileMustExist: readonly });
  try {
    database.pragma("busy_timeout = 5000");
    if (!readonly) {
      database.pragma("journal_mode = WAL");
      database.pragma("synchronous = FULL");
    }
    prepareLedgerSchema(database, path, !readonly);
  } catch (error) {
    database.close();
    throw error;
  }
  if (readonly) return readOnlyLedger(path, database);

  const insertRow = database.prepare(
    `INSERT INTO requests (reservation_uid, request_id, time_ms, key_id, account_id, model, node,
       prompt_tokens, completion_tokens, cost_usd, outcome)
     VALUES (@reservationUid, @requestId, @timeMs, @keyId, @accountId, @model, @node,
       @promptTokens, @completionTokens, @costUsd, @outcome)
     ON CONFLICT (reservation_uid) DO NOTHING`,
  );
  const addToTotals = database.prepare(
    `INSERT INTO key_totals (key_id, requests, prompt_tokens, completion_tokens, cost_usd)
     VALUES (@keyId, 1, @promptTokens, @completionTokens, @costUsd)
     ON CONFLICT (key_id) DO UPDATE SET requests = requests + 1,
       prompt_tokens = prompt_tokens + excluded.prompt_tokens,
       completion_tokens = completion_tokens + excluded.completion_tokens,
       cost_usd = cost_usd + excluded.cost_usd`,
  );
  const insertHold = database.prepare(
    `INSERT OR REPLACE INTO holds (reservation_uid, request_id, time_ms, key_id, account_id, model, tokens, prompt_tokens)
     VALUES (@reservationUid, @requestId, @timeMs, @keyId, @accountId, @model, @tokens, @promptTokens)`,
  );
  const deleteHold = database.prepare("DELETE FROM holds WHERE reservation_uid = ?");
  const append = database.transaction((row: LedgerRow): boolean => {
    deleteHold.run(row.reservationUid);
    if (insertRow.run(row).changes === 0) return false;
    if (row.keyId !== null) addToTotals.run(row);
    return true;
  });
  return {
    ...readOnlyLedger(path, database),
    append: (row) => append.immediate(row),
    hold: (row) => {
      insertHold.run(row);
    },
  };
}

function readOnlyLedger(path: string, database: Database.Database): Ledger {
  const total = database.prepare(
    "SELECT prompt_tokens + completion_tokens AS tokens FROM key_totals WHERE key_id = ?",
  );
  const buckets = database.prepare(
    `SELECT ((time_ms + CAST(@bucketMs AS INTEGER) - 1) / CAST(@bucketMs AS INTEGER)) * CAST(@bucketMs AS INTEGER)
       AS timeMs,
       sum(prompt_tokens + completion_tokens) AS tokens
     FROM requests WHERE key_id = @keyId AND time_ms > @sinceMs
     GROUP BY 1 HAVING tokens > 0 ORDER BY 1`,
  );
  const holds = database.prepare(
    `SELECT reservation_uid AS reservationUid, request_id AS requestId, time_ms AS timeMs, key_id AS keyId,
       account_id AS accountId, model, tokens, prompt_tokens AS promptTokens
     FROM holds ORDER BY time_ms, rowid`,
  );
  return {
    path,
    database,
    append() {
      throw new Error(`ledger ${path} is open read-only`);
    },
    hold() {
      throw new Error(`ledger ${path} is open read-only`);
    },
    leftoverHolds() {
      return holds.all() as HoldRow[];
    },
    totalFor(keyId) {
      const row = total.get(keyId) as { tokens: number } | undefined;
      return row?.tokens ?? 0;
    },
    bucketsSince(keyId, sinceMs, bucketMs) {
      return buckets.all({ keyId, sinceMs, bucketMs }) as SpendEntry[];
    },
    close() {
      if (database.open) database.close();
    },
  };
}
