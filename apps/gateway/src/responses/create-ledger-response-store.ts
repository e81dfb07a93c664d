import type Database from "better-sqlite3";
import type { LocalResponseStore, StoredResponse } from "./response-store.js";

export interface LedgerResponseStoreOptions {
  retentionMs: number;
  now: () => number;
  /** Closes the handle on `close()` (a connection of its own); default false. */
  ownsDatabase?: boolean;
}

interface ResponseRow {
  id: string;
  owner: string | null;
  model: string;
  input: string;
  instructions: string | null;
  response: string;
  createdAtMs: number;
}

/**
 * Stored responses in the ledger's `responses` table (schema v3), so they survive a restart. Rows past
 * the retention are not returned, and are deleted as new ones are written.
 */
export function createLedgerResponseStore(
  database: Database.Database,
  options: LedgerResponseStoreOptions,
): LocalResponseStore {
  const insert = database.prepare(
    `INSERT OR REPLACE INTO responses (id, owner, model, input, instructions, response, created_ms)
     VALUES (@id, @owner, @model, @input, @instructions, @response, @createdAtMs)`,
  );
  const select = database.prepare(
    `SELECT id, owner, model, input, instructions, response, created_ms AS createdAtMs
     FROM responses WHERE id = ? AND owner IS ? AND created_ms > ?`,
  );
  const remove = database.prepare("DELETE FROM responses WHERE id = ? AND owner IS ? AND created_ms > ?");
  const expire = database.prepare("DELETE FROM responses WHERE created_ms <= ?");
  const cutoff = () => options.now() - options.retentionMs;
  return {
    put(stored) {
      expire.run(cutoff());
      insert.run({
        id: stored.id,
        owner: stored.owner,
        model: stored.model,
        input: JSON.stringify(stored.input),
        instructions: stored.instructions,
        response: JSON.stringify(stored.response),
        createdAtMs: stored.createdAtMs,
      });
    },
    get(id, owner) {
      const row = select.get(id, owner, cutoff()) as ResponseRow | undefined;
      return row === undefined ? undefined : fromRow(row);
    },
    delete(id, owner) {
      return remove.run(id, owner, cutoff()).changes > 0;
    },
    close() {
      if (options.ownsDatabase === true && database.open) database.close();
    },
  };
}

function fromRow(row: ResponseRow): StoredResponse {
  return {
    id: row.id,
    owner: row.owner,
    model: row.model,
    input: JSON.parse(row.input) as unknown[],
    instructions: row.instructions,
    response: JSON.parse(row.response) as Record<string, unknown>,
    createdAtMs: row.createdAtMs,
  };
}
