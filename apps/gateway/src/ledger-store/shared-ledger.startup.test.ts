import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { LEDGER_SCHEMA_VERSION } from "../entitlements/internal/ledger-schema.js";
import { CORTEX_CLI } from "../test-support/spawn-cortex.js";
import { createTestDatabase, testPostgresUrl } from "../test-support/test-postgres.js";
import { openLedgerStore } from "./open-ledger-store.js";

// `cortex serve` with `[ledger] url` refuses to start, in one line that never shows the URL's password,
// when the database cannot be reached, refuses the password, or has a newer schema than this build.
const run = promisify(execFile);
const serverUrl = testPostgresUrl("shared-ledger.startup");
const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

async function serve(url: string): Promise<{ code: number; stderr: string }> {
  const folder = await mkdtemp(join(tmpdir(), "cortex-ledger-url-"));
  folders.push(folder);
  const config = join(folder, "cortex.toml");
  await writeFile(
    config,
    `[gateway]\nlisten = "127.0.0.1:0"\nmetrics_listen = "127.0.0.1:0"\n\n` +
      `[[entitlements.keys]]\nkey = "sk-x"\naccount_id = "a"\n\n[ledger]\nurl = "${url}"\n`,
  );
  try {
    await run(process.execPath, [CORTEX_CLI, "serve", "--config", config], { timeout: 60_000 });
    return { code: 0, stderr: "" };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

describe("cortex serve with [ledger] url", () => {
  it("exits 1 naming the URL without its password when the database cannot be reached", async () => {
    const { code, stderr } = await serve("postgres://cortex:pg-secret-pw@127.0.0.1:1/helexa");
    expect(code).toBe(1);
    expect(stderr).toContain("cannot open the ledger at postgres://cortex@127.0.0.1:1/helexa");
    expect(stderr).toContain("ECONNREFUSED");
    expect(stderr).not.toContain("pg-secret-pw");
    expect(stderr.trim().split("\n")).toHaveLength(1);
  }, 60_000);

  it.skipIf(serverUrl === null)(
    "refuses a wrong password and a schema newer than it knows",
    async () => {
      if (serverUrl === null) return;
      const database = await createTestDatabase(serverUrl);
      try {
        const wrong = new URL(database.url);
        wrong.password = "not-the-password";
        const refused = await serve(wrong.toString());
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain("password authentication failed");
        expect(refused.stderr).not.toContain("not-the-password");

        const store = await openLedgerStore({
          path: "",
          url: database.url,
          lease_seconds: 30,
          responses_retention_hours: 1,
        });
        await store.close();
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        await client.query("UPDATE ledger_schema SET version = $1", [LEDGER_SCHEMA_VERSION + 1]);
        await client.end();
        const newer = await serve(database.url);
        expect(newer.code).toBe(1);
        expect(newer.stderr).toContain(
          `has schema version ${LEDGER_SCHEMA_VERSION + 1}; this cortex reads up to ${LEDGER_SCHEMA_VERSION} (upgrade cortex)`,
        );
        expect(newer.stderr).not.toContain("helexa-test-password");
      } finally {
        await database.drop();
      }
    },
    60_000,
  );
});
