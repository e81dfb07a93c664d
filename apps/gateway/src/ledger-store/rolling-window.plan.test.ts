import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, testPostgresUrl } from "../test-support/test-postgres.js";
import { firstFreeingSql, rollingSpendSql } from "./internal/rolling-window-sql.js";
import { openLedgerStore } from "./open-ledger-store.js";

/**
 * A key with 50,000 rows in its rolling window: the reads every reservation of it makes (its window's spend,
 * and on a refusal when enough frees) must use the `(key_id, time_ms)` index and never the table, so their
 * cost does not grow with the table. Plans, not timings: the planner's choice is what regresses.
 */
const ROWS = 50_000;
const NOW = 1_800_000_000_000;
const WINDOW_START = NOW - 30 * 86_400_000;
const LEDGER = { path: "", lease_seconds: 30, responses_retention_hours: 1 };

/** Half the rows are the busy key's, a minute apart inside its 30-day window; the rest spread over 50 keys. */
const FILL_SQL = (series: string) => `INSERT INTO requests (reservation_uid, request_id, time_ms, key_id,
    account_id, model, node, prompt_tokens, completion_tokens, cost_usd, outcome)
  SELECT 'u' || g, NULL, ${NOW} - g * CAST(60000 AS BIGINT), CASE WHEN g % 2 = 0 THEN 'busy' ELSE 'k' || (g % 50) END,
    'acct', 'tiny', 'n1', 10, 5, 0, 'ok' FROM ${series}`;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("a rolling window's reads on a key with 50,000 rows", () => {
  it("SQLite: both read only the covering index", async () => {
    const folder = mkdtempSync(join(tmpdir(), "helexa-plan-"));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    const path = join(folder, "ledger.sqlite");
    await (await openLedgerStore({ ...LEDGER, path })).close();
    const database = new Database(path);
    cleanups.push(() => {
      database.close();
    });
    database.exec(
      FILL_SQL(`(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < ${ROWS * 2})
        SELECT g FROM s)`),
    );
    database.exec("ANALYZE");
    const plan = (sql: string, ...parameters: unknown[]) =>
      (database.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as Array<{ detail: string }>)
        .map((row) => row.detail)
        .join("\n");
    const index = /SEARCH requests USING COVERING INDEX requests_key_spend \(key_id=\? AND time_ms>\?\)/;
    expect(
      plan(
        rollingSpendSql(() => "?"),
        "busy",
        WINDOW_START,
      ),
    ).toMatch(index);
    expect(
      plan(
        firstFreeingSql(() => "?"),
        "busy",
        WINDOW_START,
        100,
      ),
    ).toMatch(index);
    // And they answer: 21,599 rows of 15 tokens, every other minute from the window start on; 100 tokens free with the 7th oldest row.
    const spend = database.prepare(rollingSpendSql(() => "?")).get("busy", WINDOW_START);
    expect(spend).toMatchObject({ spent: 15 * 21_599 });
    expect(database.prepare(firstFreeingSql(() => "?")).all("busy", WINDOW_START, 100)).toEqual([
      { timeMs: WINDOW_START + 60_000 * 14, tokens: 105 },
    ]);
  });

  const postgresUrl = testPostgresUrl("rolling-window.plan");
  it.skipIf(postgresUrl === null)(
    "PostgreSQL: both are index-only scans, the refusal read cut off by LIMIT",
    async () => {
      const created = await createTestDatabase(postgresUrl ?? "");
      cleanups.push(() => created.drop());
      await (await openLedgerStore({ ...LEDGER, url: created.url })).close();
      const client = new pg.Client({ connectionString: created.url });
      await client.connect();
      cleanups.push(() => client.end());
      await client.query(FILL_SQL(`generate_series(1, ${ROWS * 2}) AS g`));
      // What autovacuum does to an insert-only table (PostgreSQL 13+): sets the visibility map, gathers stats.
      await client.query("VACUUM ANALYZE requests");
      const plan = async (sql: string, parameters: unknown[]) =>
        (await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`, parameters)).rows
          .map((row) => row["QUERY PLAN"])
          .join("\n");
      const spendPlan = await plan(
        rollingSpendSql((index) => `$${index}`),
        ["busy", WINDOW_START],
      );
      expect(spendPlan).toContain("Index Only Scan using requests_key_spend on requests");
      expect(spendPlan).not.toMatch(/Seq Scan|Heap Scan/);
      const freeingPlan = await plan(
        firstFreeingSql((index) => `$${index}`),
        ["busy", WINDOW_START, 100],
      );
      expect(freeingPlan).toContain("Index Only Scan using requests_key_spend on requests");
      expect(freeingPlan).toMatch(/^Limit/);
      expect(freeingPlan).not.toMatch(/Seq Scan|Heap Scan|Sort/);
      const spend = await client.query(
        rollingSpendSql((index) => `$${index}`),
        ["busy", WINDOW_START],
      );
      expect(Number(spend.rows[0]?.spent)).toBe(15 * 21_599);
      const freeing = await client.query(
        firstFreeingSql((index) => `$${index}`),
        ["busy", WINDOW_START, 100],
      );
      expect(freeing.rows.map((row) => [Number(row.timeMs), Number(row.tokens)])).toEqual([
        [WINDOW_START + 60_000 * 14, 105],
      ]);
    },
  );
});
