import pg from "pg";

/**
 * The PostgreSQL the ledger's shared suites run against: `HELEXA_TEST_POSTGRES_URL` (see
 * `scripts/start-test-postgres.sh`), or null, in which case those suites skip and say so. With
 * `HELEXA_REQUIRE_POSTGRES=1` (CI) a missing URL throws instead, so CI never skips them.
 */
export function testPostgresUrl(suite: string): string | null {
  const url = process.env.HELEXA_TEST_POSTGRES_URL;
  if (url !== undefined && url !== "") return url;
  if (process.env.HELEXA_REQUIRE_POSTGRES === "1") {
    throw new Error(`${suite}: HELEXA_REQUIRE_POSTGRES=1 but HELEXA_TEST_POSTGRES_URL is not set`);
  }
  console.log(
    `${suite}: skipping the PostgreSQL suites (set HELEXA_TEST_POSTGRES_URL; scripts/start-test-postgres.sh starts one)`,
  );
  return null;
}

/** A fresh database on the test server, for one suite; `drop()` removes it (its connections first). */
export async function createTestDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `helexa_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return {
    url: parsed.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
