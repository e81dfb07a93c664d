import { writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { openLedgerStore } from "../ledger-store/open-ledger-store.js";
import { createTestDatabase, testPostgresUrl } from "../test-support/test-postgres.js";
import { createEntitlements } from "./create-entitlements.js";
import type { LedgerRow } from "./ledger.js";
import { createManualClock, createTempDir, entitlementsConfig } from "./test-support/temp-ledger.js";
import { runUsageCommand } from "./usage-command.js";

const temps: Array<{ cleanup: () => void }> = [];
afterEach(() => {
  for (const temp of temps.splice(0)) temp.cleanup();
});

const TOML = `
[gateway]
listen = "127.0.0.1:0"
metrics_listen = "127.0.0.1:0"

[ledger]
path = "data/ledger.sqlite"

[[entitlements.keys]]
key = "sk-alpha-secret"
account_id = "acct-a"
key_id = "alpha"
hard_cap = 1000
window = { kind = "rolling", seconds = 3600 }

[[entitlements.keys]]
key = "sk-idle-secret"
account_id = "acct-i"
key_id = "idle"
`;

async function run(argv: string[], env: Record<string, string> = {}, now?: () => number) {
  let stdout = "";
  let stderr = "";
  const code = await runUsageCommand(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
    ...(now === undefined ? {} : { now }),
  });
  return { code, stdout, stderr };
}

function fixture() {
  const temp = createTempDir();
  temps.push(temp);
  const configFile = join(temp.dir, "cortex.toml");
  writeFileSync(configFile, TOML);
  const clock = createManualClock();
  const entitlements = createEntitlements({
    config: entitlementsConfig({ keys: [{ key: "sk-alpha-secret", account_id: "acct-a", key_id: "alpha" }] }),
    ledgerPath: join(temp.dir, "data", "ledger.sqlite"),
    clock: clock.now,
    costFor: (model, usage) =>
      model === "big" ? (usage.promptTokens * 3 + usage.completionTokens * 15) / 1e6 : 0,
  });
  const alpha = { keyId: "alpha", accountId: "acct-a" };
  const ok = { node: "n1", outcome: "ok" as const };
  entitlements.settle(
    entitlements.reserve(alpha, 10),
    { promptTokens: 1000, completionTokens: 200 },
    { ...ok, model: "big" },
  );
  clock.advance(7_200_000);
  entitlements.settle(
    entitlements.reserve(alpha, 10),
    { promptTokens: 30, completionTokens: 20 },
    { ...ok, model: "small" },
  );
  entitlements.release(entitlements.reserve(alpha, 10), { ...ok, model: "small", outcome: "error" });
  entitlements.settle(
    entitlements.reserve(null, 10),
    { promptTokens: 5, completionTokens: 5 },
    { ...ok, model: "small" },
  );
  return { temp, configFile, entitlements, clock };
}

describe("cortex usage", () => {
  it("prints per-key and per-model totals while cortex still has the ledger open", async () => {
    const { configFile, entitlements, clock } = fixture();
    const { code, stdout, stderr } = await run(["--config", configFile], {}, clock.now);
    entitlements.dispose();
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[0]).toMatch(/^Ledger .*data\/ledger\.sqlite \(4 rows, /);
    const alpha = lines.find((line) => line.startsWith("alpha"));
    // requests 3, failed 1, prompt 1,030, completion 220, total 1,250, $0.0060, rolling window spent 50 of 1,000.
    expect(alpha?.split(/\s{2,}/)).toEqual([
      "alpha",
      "acct-a",
      "3",
      "1",
      "1,030",
      "220",
      "1,250",
      "$0.0060",
      "rolling 3600s",
      "50",
      "1,000",
    ]);
    expect(lines.find((line) => line.startsWith("idle"))?.split(/\s{2,}/)).toEqual([
      "idle",
      "acct-i",
      "0",
      "0",
      "0",
      "0",
      "0",
      "$0.0000",
      "balance",
      "0",
      "-",
    ]);
    expect(lines.find((line) => line.startsWith("(anonymous)"))).toMatch(
      /^\(anonymous\)\s+-\s+1\s+0\s+5\s+5\s+10/,
    );
    expect(lines.find((line) => line.startsWith("big"))?.split(/\s{2,}/)).toEqual([
      "big",
      "1",
      "0",
      "1,000",
      "200",
      "1,200",
      "$0.0060",
    ]);
    expect(lines.find((line) => line.startsWith("small"))?.split(/\s{2,}/)).toEqual([
      "small",
      "3",
      "1",
      "35",
      "25",
      "60",
      "$0.0000",
    ]);
    expect(stdout).not.toContain("sk-alpha-secret");
  });

  it("--json prints the same report as JSON; --since limits it to recent rows", async () => {
    const { configFile, entitlements, clock } = fixture();
    entitlements.dispose();
    const { code, stdout } = await run(["-c", configFile, "--json", "--since", "1h"], {}, clock.now);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      since: string;
      models: Array<{ model: string; requests: number }>;
    };
    expect(report.since).toBe(new Date(clock.now() - 3_600_000).toISOString());
    expect(report.models).toEqual([expect.objectContaining({ model: "small", requests: 3 })]);
  });

  it("--ledger reads a ledger file without a config", async () => {
    const { temp, entitlements } = fixture();
    entitlements.dispose();
    const { code, stdout } = await run(["--ledger", join(temp.dir, "data", "ledger.sqlite")]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^alpha\s+acct-a\s+3/m);
  });

  it("applies CORTEX_* overrides to the config, as serve does", async () => {
    const { temp, configFile, entitlements } = fixture();
    entitlements.dispose();
    const moved = await run(["--config", configFile], { CORTEX_LEDGER__PATH: "elsewhere.sqlite" });
    expect(moved.code).toBe(1);
    expect(moved.stderr).toContain(`no ledger at ${join(temp.dir, "elsewhere.sqlite")} yet`);
  });

  it("fails clearly on bad arguments, a bad config or a missing ledger; --help prints usage", async () => {
    const { temp, entitlements } = fixture();
    entitlements.dispose();
    expect(await run(["--bogus"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("Unknown option"),
    });
    expect(await run(["--ledger", "x", "--since", "yesterday"])).toMatchObject({ code: 2 });
    const missing = await run(["--config", join(temp.dir, "absent.toml")]);
    expect(missing).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("absent.toml: file not found"),
    });
    const invalid = join(temp.dir, "invalid.toml");
    writeFileSync(invalid, "[gateway]\nlisten = 5\n");
    expect((await run(["--config", invalid])).stderr).toMatch(/gateway\.listen/);
    expect(await run(["--ledger", join(temp.dir, "none.sqlite")])).toMatchObject({ code: 1 });
    const help = await run(["--help"]);
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining("Usage: cortex usage") });
  });

  it("without a ledger says when cortex creates one: keys configured, first start; none without keys", async () => {
    const temp = createTempDir();
    temps.push(temp);
    const keyed = join(temp.dir, "cortex.toml");
    writeFileSync(keyed, TOML);
    const waiting = await run(["--config", keyed]);
    expect(waiting.code).toBe(1);
    expect(waiting.stderr).toBe(
      `cortex usage: no ledger at ${join(temp.dir, "data", "ledger.sqlite")} yet: cortex creates it there on its first start with this config\n`,
    );
    const open = join(temp.dir, "open.toml");
    writeFileSync(open, TOML.slice(0, TOML.indexOf("[[entitlements.keys]]")));
    const keyless = await run(["--config", open]);
    expect(keyless.code).toBe(1);
    expect(keyless.stderr).toContain(`no ledger at ${join(temp.dir, "data", "ledger.sqlite")}:`);
    expect(keyless.stderr).toContain(
      "cortex meters usage only with [[entitlements.keys]] (or require_auth = true) in cortex.toml",
    );
    expect(keyless.stderr).not.toContain("first start");
    const named = await run(["--ledger", join(temp.dir, "none.sqlite")]);
    expect(named.stderr).toBe(`cortex usage: no ledger at ${join(temp.dir, "none.sqlite")}\n`);
  });
});

const postgresUrl = testPostgresUrl("usage-command");
const T0 = 1_800_000_000_000;
const TWO_HOURS = 7_200_000;
const LEDGER = { path: "", lease_seconds: 30, responses_retention_hours: 1 };

/** The fixture's rows, written through the store interface so SQLite and PostgreSQL hold the same ledger. */
const ROWS: LedgerRow[] = [
  ["alpha", "acct-a", "big", 1000, 200, 0.006, "ok", T0],
  ["alpha", "acct-a", "small", 30, 20, 0, "ok", T0 + TWO_HOURS],
  ["alpha", "acct-a", "small", 0, 0, 0, "error", T0 + TWO_HOURS],
  [null, null, "small", 5, 5, 0, "ok", T0 + TWO_HOURS],
].map(([keyId, accountId, model, promptTokens, completionTokens, costUsd, outcome, timeMs], index) => ({
  reservationUid: `uid-${index}`,
  requestId: `req-${index}`,
  timeMs: timeMs as number,
  keyId: keyId as string | null,
  accountId: accountId as string | null,
  model: model as string,
  node: "n1",
  promptTokens: promptTokens as number,
  completionTokens: completionTokens as number,
  costUsd: costUsd as number,
  outcome: outcome as LedgerRow["outcome"],
}));

describe.skipIf(postgresUrl === null)("cortex usage on a PostgreSQL ledger", () => {
  const server = postgresUrl ?? "";
  // A skipped describe's body still runs at collection: without a server there is no URL to read.
  const password = postgresUrl === null ? "" : decodeURIComponent(new URL(server).password);
  const drops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const drop of drops.splice(0)) await drop();
  });
  const database = async () => {
    const created = await createTestDatabase(server);
    drops.push(() => created.drop());
    return created.url;
  };
  const fill = async (ledger: { path: string } | { url: string }) => {
    const store = await openLedgerStore({ ...LEDGER, ...ledger });
    for (const row of ROWS) await store.record(row);
    await store.close();
  };
  const now = () => T0 + TWO_HOURS;

  it("reads the [ledger] url the config names and prints what the same rows in SQLite give", async () => {
    const url = await database();
    await fill({ url });
    const temp = createTempDir();
    temps.push(temp);
    const sqlitePath = join(temp.dir, "data", "ledger.sqlite");
    await fill({ path: sqlitePath });
    const sqliteConfig = join(temp.dir, "sqlite.toml");
    writeFileSync(sqliteConfig, TOML);
    const postgresConfig = join(temp.dir, "postgres.toml");
    writeFileSync(postgresConfig, TOML.replace('path = "data/ledger.sqlite"', `url = "${url}"`));

    const fromSqlite = await run(["--config", sqliteConfig], {}, now);
    const fromPostgres = await run(["--config", postgresConfig], {}, now);
    expect(fromPostgres.stderr).toBe("");
    expect(fromPostgres.code).toBe(0);
    const [header, ...body] = fromPostgres.stdout.split("\n");
    expect(header).toMatch(/^Ledger postgres:\/\/helexa@127\.0\.0\.1:\d+\/helexa_t_\w+ \(4 rows, /);
    expect(body).toEqual(fromSqlite.stdout.split("\n").slice(1));
    expect(body.find((line) => line.startsWith("alpha"))?.split(/\s{2,}/)).toEqual([
      "alpha",
      "acct-a",
      "3",
      "1",
      "1,030",
      "220",
      "1,250",
      "$0.0060",
      "rolling 3600s",
      "50",
      "1,000",
    ]);

    const json = await run(["--config", postgresConfig, "--json", "--since", "1h"], {}, now);
    const sqliteJson = await run(["--config", sqliteConfig, "--json", "--since", "1h"], {}, now);
    const report = JSON.parse(json.stdout) as { ledger: string; models: unknown[] };
    expect(report.models).toEqual([expect.objectContaining({ model: "small", requests: 3, failed: 1 })]);
    expect({ ...report, ledger: "" }).toEqual({ ...JSON.parse(sqliteJson.stdout), ledger: "" });
    for (const output of [fromPostgres, json]) expect(output.stdout + output.stderr).not.toContain(password);
  });

  it("--ledger takes a postgres:// URL without a config; CORTEX_LEDGER__URL overrides the config's", async () => {
    const url = await database();
    await fill({ url });
    const named = await run(["--ledger", url], {}, now);
    expect(named).toMatchObject({ code: 0, stderr: "" });
    expect(named.stdout).toMatch(/^alpha\s+acct-a\s+3/m);
    expect(named.stdout).not.toContain(password);

    const { configFile, entitlements } = fixture();
    entitlements.dispose();
    const overridden = await run(["--config", configFile], { CORTEX_LEDGER__URL: url }, now);
    expect(overridden).toMatchObject({ code: 0, stderr: "" });
    expect(overridden.stdout).toMatch(/^Ledger postgres:\/\/helexa@/);
  });

  it("a database cortex never opened: says so, and creates nothing there (read-only)", async () => {
    const url = await database();
    const result = await run(["--ledger", url]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      /^cortex usage: cannot open the ledger at postgres:\/\/helexa@127\.0\.0\.1:\d+\/helexa_t_\w+: no cortex ledger there yet: cortex creates it on its first start with this url\n$/,
    );
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const tables = await client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
      expect(tables.rows).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it("a wrong password or database fails with exit 1, naming the URL without any password", async () => {
    const url = new URL(await database());
    url.password = "wrong-pw-6f1c";
    const refused = await run(["--ledger", url.toString()]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^cortex usage: cannot open the ledger at postgres:\/\/helexa@127\.0\.0\.1:/,
    );
    expect(refused.stderr).toContain("password authentication failed");
    expect(refused.stderr).not.toContain("wrong-pw-6f1c");

    const missing = new URL(server);
    missing.pathname = "/no_such_database";
    const absent = await run(["--ledger", missing.toString()]);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toContain('database "no_such_database" does not exist');
    expect(absent.stderr).not.toContain(password);
  });
});
