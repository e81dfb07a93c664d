/** Writes parameter `index` (1-based) in a store's dialect: `$1` for PostgreSQL, `?` for SQLite. */
export type Placeholder = (index: number) => string;

/**
 * A key's spend in its rolling window (`$1` key id, `$2` window start, exclusive), with the times of the
 * oldest and newest spend in it. Read on every reservation of a rolling-window key, so it must stay cheap
 * however busy the key: it reads only the `requests_key_spend` index (schema v5), never the table. Valid in
 * both stores.
 */
export function rollingSpendSql(placeholder: Placeholder): string {
  return `SELECT CAST(coalesce(sum(prompt_tokens + completion_tokens), 0) AS BIGINT) AS spent,
      min(time_ms) AS "oldestMs", max(time_ms) AS "newestMs"
    FROM requests
    WHERE key_id = ${placeholder(1)} AND time_ms > ${placeholder(2)} AND prompt_tokens + completion_tokens > 0`;
}

/**
 * The oldest time at which a key's rolling spend since `$2` (exclusive) has freed `$3` tokens, with that
 * running total: one row, or none when the whole window's spend is less. It reads the same index in time
 * order and returns one row, so a refusal never ships a busy key's whole window to cortex (PostgreSQL also
 * stops reading at that row). Parameters: `$1` key id, `$2` window start, `$3` tokens needed.
 */
export function firstFreeingSql(placeholder: Placeholder): string {
  return `SELECT "timeMs", tokens FROM (
      SELECT time_ms AS "timeMs",
        CAST(sum(prompt_tokens + completion_tokens) OVER (ORDER BY time_ms ROWS UNBOUNDED PRECEDING) AS BIGINT)
          AS tokens
      FROM requests
      WHERE key_id = ${placeholder(1)} AND time_ms > ${placeholder(2)} AND prompt_tokens + completion_tokens > 0
    ) AS running
    WHERE tokens >= ${placeholder(3)} ORDER BY "timeMs" LIMIT 1`;
}
