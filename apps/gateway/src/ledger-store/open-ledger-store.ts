import type { CortexConfig } from "@helexa/core";
import type { LedgerStore, OpenLedgerStoreOptions } from "./ledger-store.js";

/**
 * Opens the ledger `[ledger]` names: PostgreSQL when `url` is set (shared by several gateways), else the
 * SQLite file at `path`. Runs the migrations; throws on a schema newer than this build, or (PostgreSQL)
 * when the database cannot be reached, with the URL's password left out. `readonly` (`cortex usage`)
 * migrates nothing and throws unless the ledger is already there at this build's schema version. Only the
 * driver of the ledger in use is loaded (each costs several MB of memory).
 */
export async function openLedgerStore(
  ledger: CortexConfig["ledger"],
  options: OpenLedgerStoreOptions & {
    now?: () => number;
    onError?: (error: unknown) => void;
    /** PostgreSQL only: gives up connecting after this long; default as long as TCP waits. */
    connectTimeoutMs?: number;
  } = {},
): Promise<LedgerStore> {
  const responsesRetentionMs = ledger.responses_retention_hours * 3_600_000;
  const common = {
    responsesRetentionMs,
    readonly: options.readonly ?? false,
    ...(options.now === undefined ? {} : { now: options.now }),
  };
  if (ledger.url !== undefined) {
    const { openPostgresLedgerStore } = await import("./open-postgres-ledger-store.js");
    return openPostgresLedgerStore(ledger.url, {
      ...common,
      ...(options.onError === undefined ? {} : { onError: options.onError }),
      ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
    });
  }
  const { openSqliteLedgerStore } = await import("./open-sqlite-ledger-store.js");
  return openSqliteLedgerStore(ledger.path, common);
}
