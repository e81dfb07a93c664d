import type { Pool, PoolClient } from "pg";
import {
  checkLedgerSchemaVersion,
  LEDGER_MIGRATIONS,
  LEDGER_SCHEMA_VERSION,
} from "../../entitlements/internal/ledger-schema.js";

/** Any fixed number: the advisory lock gateways take so that only one migrates at a time. */
const MIGRATION_LOCK = 7_101_015;

/**
 * Brings the database up to `LEDGER_SCHEMA_VERSION` with the same migrations as the SQLite file, in one
 * transaction under an advisory lock (gateways starting together migrate once), or throws when the
 * database is newer than this build. The version lives in the one-row table `ledger_schema`.
 * Without `migrate` (`cortex usage`) it only checks: it throws unless the ledger is there at this version.
 */
export async function preparePostgresSchema(pool: Pool, location: string, migrate = true): Promise<void> {
  const client = await pool.connect();
  if (!migrate) {
    try {
      await checkPostgresSchema(client, location);
      return;
    } finally {
      client.release();
    }
  }
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query("CREATE TABLE IF NOT EXISTS ledger_schema (version INTEGER NOT NULL)");
    const found = await client.query<{ version: number }>(
      "SELECT max(version) AS version FROM ledger_schema",
    );
    const version = found.rows[0]?.version ?? 0;
    checkLedgerSchemaVersion(version, location);
    if (version === 0) {
      const taken = await client.query<{ name: string | null }>(
        "SELECT to_regclass('requests')::text AS name",
      );
      if (taken.rows[0]?.name != null) {
        throw new Error(
          `ledger ${location} has a 'requests' table but no ledger_schema: not a cortex ledger`,
        );
      }
    }
    for (let index = version; index < LEDGER_SCHEMA_VERSION; index += 1) {
      await client.query(LEDGER_MIGRATIONS[index]?.postgres ?? "");
    }
    if (version < LEDGER_SCHEMA_VERSION) {
      await client.query("DELETE FROM ledger_schema");
      await client.query("INSERT INTO ledger_schema (version) VALUES ($1)", [LEDGER_SCHEMA_VERSION]);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** The read-only half of `preparePostgresSchema`: creates nothing, so it runs in a read-only session. */
async function checkPostgresSchema(client: PoolClient, location: string): Promise<void> {
  const table = await client.query<{ name: string | null }>(
    "SELECT to_regclass('ledger_schema')::text AS name",
  );
  if (table.rows[0]?.name == null) {
    // The caller names the location: "cannot open the ledger at …: <this>".
    throw new Error("no cortex ledger there yet: cortex creates it on its first start with this url");
  }
  const found = await client.query<{ version: number | null }>(
    "SELECT max(version) AS version FROM ledger_schema",
  );
  const version = found.rows[0]?.version ?? 0;
  checkLedgerSchemaVersion(version, location);
  if (version < LEDGER_SCHEMA_VERSION) {
    throw new Error(`ledger ${location} is at schema version ${version}; start cortex once to upgrade it`);
  }
}
