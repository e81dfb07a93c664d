import type Database from "better-sqlite3";

/** The schema version this build writes (`PRAGMA user_version`). */
export const LEDGER_SCHEMA_VERSION = 3;

/**
 * v1. `requests` is append-only (triggers refuse UPDATE and DELETE): one row per settled or released
 * request, `key_id`/`account_id` NULL for anonymous callers. `key_totals` is all-time spend per key, written
 * in the same transaction as the row, so a crash keeps both or neither. `reservation_uid` is unique, so the
 * same reservation can never be recorded twice.
 *
 * v2. `holds`: every budget reservation, written before the request is dispatched and deleted in the
 * transaction that records it, so holds left by a crash are found and charged at the next start.
 *
 * v3. `responses`: stored Responses API replies (`store: true`), per owning key (NULL: anonymous), for
 * `previous_response_id` and `GET`/`DELETE /v1/responses/{id}`; rows older than the retention are deleted.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE requests (
     id INTEGER PRIMARY KEY,
     reservation_uid TEXT NOT NULL UNIQUE,
     request_id TEXT,
     time_ms INTEGER NOT NULL,
     key_id TEXT,
     account_id TEXT,
     model TEXT NOT NULL,
     node TEXT,
     prompt_tokens INTEGER NOT NULL CHECK (prompt_tokens >= 0),
     completion_tokens INTEGER NOT NULL CHECK (completion_tokens >= 0),
     cost_usd REAL NOT NULL CHECK (cost_usd >= 0),
     outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'error', 'aborted'))
   ) STRICT;
   CREATE INDEX requests_key_time ON requests (key_id, time_ms);
   CREATE INDEX requests_model ON requests (model);
   CREATE TRIGGER requests_no_update BEFORE UPDATE ON requests
     BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only'); END;
   CREATE TRIGGER requests_no_delete BEFORE DELETE ON requests
     BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only'); END;
   CREATE TABLE key_totals (
     key_id TEXT PRIMARY KEY,
     requests INTEGER NOT NULL,
     prompt_tokens INTEGER NOT NULL,
     completion_tokens INTEGER NOT NULL,
     cost_usd REAL NOT NULL
   ) STRICT;`,
  `CREATE TABLE holds (
     reservation_uid TEXT PRIMARY KEY,
     request_id TEXT,
     time_ms INTEGER NOT NULL,
     key_id TEXT,
     account_id TEXT,
     model TEXT NOT NULL,
     tokens INTEGER NOT NULL CHECK (tokens >= 0),
     prompt_tokens INTEGER NOT NULL CHECK (prompt_tokens >= 0)
   ) STRICT;`,
  `CREATE TABLE responses (
     id TEXT PRIMARY KEY,
     owner TEXT,
     model TEXT NOT NULL,
     input TEXT NOT NULL,
     instructions TEXT,
     response TEXT NOT NULL,
     created_ms INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX responses_created ON responses (created_ms);`,
];

function userVersion(database: Database.Database): number {
  return Number(database.pragma("user_version", { simple: true }));
}

/** Throws unless the file is a ledger this build can read (or, when `migrate`, brings it up to date). */
export function prepareLedgerSchema(database: Database.Database, path: string, migrate: boolean): void {
  const version = userVersion(database);
  if (version > LEDGER_SCHEMA_VERSION) {
    throw new Error(
      `ledger ${path} has schema version ${version}; this cortex reads up to ${LEDGER_SCHEMA_VERSION} (upgrade cortex)`,
    );
  }
  if (version === 0) {
    const tables = database.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as {
      n: number;
    };
    if (tables.n > 0) throw new Error(`${path} is an SQLite file but not a cortex ledger`);
  }
  if (version === LEDGER_SCHEMA_VERSION) return;
  if (!migrate)
    throw new Error(`ledger ${path} is at schema version ${version}; start cortex once to upgrade it`);
  database.transaction(() => {
    for (let index = version; index < LEDGER_SCHEMA_VERSION; index += 1) {
      database.exec(MIGRATIONS[index] ?? "");
    }
    database.pragma(`user_version = ${LEDGER_SCHEMA_VERSION}`);
  })();
}
