import type { Pool } from "pg";
import type { ResponseStore, StoredResponse } from "../../responses/response-store.js";

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
 * Stored responses in the shared ledger's `responses` table, so a `previous_response_id` made on one
 * gateway is found on another. `put` is not awaited by its callers: a failed write is reported to
 * `onError` and the reply still goes out.
 */
export function createPostgresResponseStore(
  pool: Pool,
  options: { retentionMs: number; now: () => number; onError: (error: unknown) => void },
): ResponseStore {
  const cutoff = () => options.now() - options.retentionMs;
  return {
    put(stored) {
      const write = async () => {
        await pool.query("DELETE FROM responses WHERE created_ms <= $1", [cutoff()]);
        await pool.query(
          `INSERT INTO responses (id, owner, model, input, instructions, response, created_ms)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, model = excluded.model,
             input = excluded.input, instructions = excluded.instructions, response = excluded.response,
             created_ms = excluded.created_ms`,
          [
            stored.id,
            stored.owner,
            stored.model,
            JSON.stringify(stored.input),
            stored.instructions,
            JSON.stringify(stored.response),
            stored.createdAtMs,
          ],
        );
      };
      write().catch(options.onError);
    },
    async get(id, owner) {
      const result = await pool.query<ResponseRow>(
        `SELECT id, owner, model, input, instructions, response, created_ms AS "createdAtMs"
         FROM responses WHERE id = $1 AND owner IS NOT DISTINCT FROM $2 AND created_ms > $3`,
        [id, owner, cutoff()],
      );
      const row = result.rows[0];
      return row === undefined ? undefined : fromRow(row);
    },
    async delete(id, owner) {
      const result = await pool.query(
        "DELETE FROM responses WHERE id = $1 AND owner IS NOT DISTINCT FROM $2 AND created_ms > $3",
        [id, owner, cutoff()],
      );
      return (result.rowCount ?? 0) > 0;
    },
    close() {},
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
