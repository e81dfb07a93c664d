import type Database from "better-sqlite3";

/** The schema version this build writes (`PRAGMA user_version` in SQLite, `ledger_schema` in PostgreSQL). */
export const LEDGER_SCHEMA_VERSION = 5;

/** One schema step, written for both stores so a version number means the same tables in each. */
export interface LedgerMigration {
  sqlite: string;
  postgres: string;
}

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
 *
 * v4. Several gateways on one ledger (`docs/decisions/0008-shared-ledger.md`): a hold's lease (the gateway
 * that took it and until when it renews it; NULL: the single SQLite process, charged at its next start),
 * so holds of a gateway that died are charged by the others; `neuron_registrations`, the neurons that joined
 * by themselves.
 *
 * v5. A rolling window's spend is read on every reservation of its key: the index on `(key_id, time_ms)` now
 * carries the token columns too, so that read never touches the table (SQLite: a covering index; PostgreSQL:
 * an index-only scan, `INCLUDE`), and a key with tens of thousands of rows in its window stays cheap.
 */
export const LEDGER_MIGRATIONS: readonly LedgerMigration[] = [
  {
    sqlite: `CREATE TABLE requests (
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
    postgres: `CREATE TABLE requests (
     id BIGSERIAL PRIMARY KEY,
     reservation_uid TEXT NOT NULL UNIQUE,
     request_id TEXT,
     time_ms BIGINT NOT NULL,
     key_id TEXT,
     account_id TEXT,
     model TEXT NOT NULL,
     node TEXT,
     prompt_tokens BIGINT NOT NULL CHECK (prompt_tokens >= 0),
     completion_tokens BIGINT NOT NULL CHECK (completion_tokens >= 0),
     cost_usd DOUBLE PRECISION NOT NULL CHECK (cost_usd >= 0),
     outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'error', 'aborted'))
   );
   CREATE INDEX requests_key_time ON requests (key_id, time_ms);
   CREATE INDEX requests_model ON requests (model);
   CREATE FUNCTION requests_append_only() RETURNS trigger LANGUAGE plpgsql AS
     $$ BEGIN RAISE EXCEPTION 'ledger rows are append-only'; END $$;
   CREATE TRIGGER requests_no_change BEFORE UPDATE OR DELETE ON requests
     FOR EACH ROW EXECUTE FUNCTION requests_append_only();
   CREATE TABLE key_totals (
     key_id TEXT PRIMARY KEY,
     requests BIGINT NOT NULL,
     prompt_tokens BIGINT NOT NULL,
     completion_tokens BIGINT NOT NULL,
     cost_usd DOUBLE PRECISION NOT NULL
   );`,
  },
  {
    sqlite: `CREATE TABLE holds (
     reservation_uid TEXT PRIMARY KEY,
     request_id TEXT,
     time_ms INTEGER NOT NULL,
     key_id TEXT,
     account_id TEXT,
     model TEXT NOT NULL,
     tokens INTEGER NOT NULL CHECK (tokens >= 0),
     prompt_tokens INTEGER NOT NULL CHECK (prompt_tokens >= 0)
   ) STRICT;`,
    postgres: `CREATE TABLE holds (
     reservation_uid TEXT PRIMARY KEY,
     request_id TEXT,
     time_ms BIGINT NOT NULL,
     key_id TEXT,
     account_id TEXT,
     model TEXT NOT NULL,
     tokens BIGINT NOT NULL CHECK (tokens >= 0),
     prompt_tokens BIGINT NOT NULL CHECK (prompt_tokens >= 0)
   );`,
  },
  {
    sqlite: `CREATE TABLE responses (
     id TEXT PRIMARY KEY,
     owner TEXT,
     model TEXT NOT NULL,
     input TEXT NOT NULL,
     instructions TEXT,
     response TEXT NOT NULL,
     created_ms INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX responses_created ON responses (created_ms);`,
    postgres: `CREATE TABLE responses (
     id TEXT PRIMARY KEY,
     owner TEXT,
     model TEXT NOT NULL,
     input TEXT NOT NULL,
     instructions TEXT,
     response TEXT NOT NULL,
     created_ms BIGINT NOT NULL
   );
   CREATE INDEX responses_created ON responses (created_ms);`,
  },
  {
    sqlite: `ALTER TABLE holds ADD COLUMN lease_owner TEXT;
   ALTER TABLE holds ADD COLUMN lease_expires_ms INTEGER;
   CREATE INDEX holds_key ON holds (key_id);
   CREATE INDEX holds_lease ON holds (lease_owner, lease_expires_ms);
   CREATE TABLE neuron_registrations (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     url TEXT NOT NULL,
     auth_token TEXT,
     registered_ms INTEGER NOT NULL,
     expires_ms INTEGER NOT NULL
   ) STRICT;`,
    postgres: `ALTER TABLE holds ADD COLUMN lease_owner TEXT;
   ALTER TABLE holds ADD COLUMN lease_expires_ms BIGINT;
   CREATE INDEX holds_key ON holds (key_id);
   CREATE INDEX holds_lease ON holds (lease_owner, lease_expires_ms);
   CREATE TABLE neuron_registrations (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     url TEXT NOT NULL,
     auth_token TEXT,
     registered_ms BIGINT NOT NULL,
     expires_ms BIGINT NOT NULL
   );`,
  },
  {
    sqlite: `CREATE INDEX requests_key_spend ON requests (key_id, time_ms, prompt_tokens, completion_tokens);
   DROP INDEX IF EXISTS requests_key_time;`,
    postgres: `CREATE INDEX requests_key_spend ON requests (key_id, time_ms) INCLUDE (prompt_tokens, completion_tokens);
   DROP INDEX IF EXISTS requests_key_time;`,
  },
];

/**
 * Throws unless a ledger at `version` is one this build can read (a newer one: upgrade cortex). Both stores
 * check here, so SQLite and PostgreSQL refuse a newer schema with the same words.
 */
export function checkLedgerSchemaVersion(version: number, location: string): void {
  if (version > LEDGER_SCHEMA_VERSION) {
    throw new Error(
      `ledger ${location} has schema version ${version}; this cortex reads up to ${LEDGER_SCHEMA_VERSION} (upgrade cortex)`,
    );
  }
}

function userVersion(database: Database.Database): number {
  return Number(database.pragma("user_version", { simple: true }));
}

/** Throws unless the file is a ledger this build can read (or, when `migrate`, brings it up to date). */
export function prepareLedgerSchema(database: Database.Database, path: string, migrate: boolean): void {
  const version = userVersion(database);
  checkLedgerSchemaVersion(version, path);
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
      database.exec(LEDGER_MIGRATIONS[index]?.sqlite ?? "");
    }
    database.pragma(`user_version = ${LEDGER_SCHEMA_VERSION}`);
  })();
}
