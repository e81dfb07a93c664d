import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { LEDGER_SCHEMA_VERSION } from "./internal/ledger-schema.js";
import { type LedgerRow, openLedger } from "./ledger.js";
import { createTempDir } from "./test-support/temp-ledger.js";

const temps: Array<{ cleanup: () => void }> = [];
afterEach(() => {
  for (const temp of temps.splice(0)) temp.cleanup();
});

function temp() {
  const created = createTempDir();
  temps.push(created);
  return created;
}

const row = (overrides: Partial<LedgerRow> = {}): LedgerRow => ({
  reservationUid: "uid-1",
  requestId: "req-1",
  timeMs: 1_000,
  keyId: "key-1",
  accountId: "acct-1",
  model: "m",
  node: "n",
  promptTokens: 10,
  completionTokens: 5,
  costUsd: 0.5,
  outcome: "ok",
  ...overrides,
});

describe("openLedger", () => {
  it("creates the file and its folder on first start, in WAL mode with synchronous FULL and a versioned schema", () => {
    const { dir } = temp();
    const path = join(dir, "nested", "deeper", "ledger.sqlite");
    const ledger = openLedger(path);
    expect(ledger.database.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(ledger.database.pragma("synchronous", { simple: true })).toBe(2);
    expect(ledger.database.pragma("user_version", { simple: true })).toBe(LEDGER_SCHEMA_VERSION);
    ledger.close();
  });

  it("appends a row and its key total in one go, and refuses the same reservation twice", () => {
    const ledger = openLedger(temp().ledgerPath);
    expect(ledger.append(row())).toBe(true);
    expect(ledger.append(row({ promptTokens: 999 }))).toBe(false);
    expect(ledger.append(row({ reservationUid: "uid-2", timeMs: 2_000 }))).toBe(true);
    expect(ledger.append(row({ reservationUid: "uid-3", keyId: null, accountId: null }))).toBe(true);
    expect(ledger.totalFor("key-1")).toBe(30);
    expect(ledger.totalFor("nobody")).toBe(0);
    expect(ledger.database.prepare("SELECT count(*) AS n FROM requests").get()).toEqual({ n: 3 });
    ledger.close();
  });

  it("sums rolling spend per bucket, times rounded up, after the given time only", () => {
    const ledger = openLedger(temp().ledgerPath);
    ledger.append(row({ reservationUid: "a", timeMs: 1_000 }));
    ledger.append(row({ reservationUid: "b", timeMs: 1_001 }));
    ledger.append(row({ reservationUid: "c", timeMs: 1_999 }));
    ledger.append(row({ reservationUid: "d", timeMs: 2_001, promptTokens: 1, completionTokens: 0 }));
    ledger.append(row({ reservationUid: "e", timeMs: 5_000, promptTokens: 0, completionTokens: 0 }));
    expect(ledger.bucketsSince("key-1", 1_000, 1_000)).toEqual([
      { timeMs: 2_000, tokens: 30 },
      { timeMs: 3_000, tokens: 1 },
    ]);
    ledger.close();
  });

  it("a reader sees the writer's rows while it is open (cortex usage during serve)", () => {
    const { ledgerPath } = temp();
    const writer = openLedger(ledgerPath);
    writer.append(row());
    const reader = openLedger(ledgerPath, { readonly: true });
    writer.append(row({ reservationUid: "uid-2" }));
    expect(reader.totalFor("key-1")).toBe(30);
    expect(() => reader.append(row({ reservationUid: "uid-3" }))).toThrow(/read-only/);
    reader.close();
    writer.close();
  });

  it("refuses to open a missing file read-only, an SQLite file that is not a ledger, and a newer schema", () => {
    const { dir } = temp();
    expect(() => openLedger(join(dir, "absent.sqlite"), { readonly: true })).toThrow();

    const foreign = join(dir, "foreign.sqlite");
    const database = new Database(foreign);
    database.exec("CREATE TABLE things (id INTEGER)");
    database.close();
    expect(() => openLedger(foreign)).toThrow(/not a cortex ledger/);

    const newer = join(dir, "newer.sqlite");
    openLedger(newer).close();
    const bump = new Database(newer);
    bump.pragma(`user_version = ${LEDGER_SCHEMA_VERSION + 1}`);
    bump.close();
    expect(() => openLedger(newer)).toThrow(
      `schema version ${LEDGER_SCHEMA_VERSION + 1}; this cortex reads up to ${LEDGER_SCHEMA_VERSION}`,
    );

    const garbage = join(dir, "garbage.sqlite");
    writeFileSync(
      garbage,
      "this is not a database at all, just text that is long enough to look like a header",
    );
    expect(() => openLedger(garbage)).toThrow();
  });
});

describe("ledger schema v2", () => {
  it("upgrades a v1 ledger in place, keeping its rows, and adds the holds table", () => {
    const temp = createTempDir();
    try {
      const v1 = new Database(temp.ledgerPath);
      v1.exec(`CREATE TABLE requests (id INTEGER PRIMARY KEY, reservation_uid TEXT NOT NULL UNIQUE, request_id TEXT,
        time_ms INTEGER NOT NULL, key_id TEXT, account_id TEXT, model TEXT NOT NULL, node TEXT,
        prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL, cost_usd REAL NOT NULL, outcome TEXT NOT NULL) STRICT;
        CREATE TABLE key_totals (key_id TEXT PRIMARY KEY, requests INTEGER NOT NULL, prompt_tokens INTEGER NOT NULL,
        completion_tokens INTEGER NOT NULL, cost_usd REAL NOT NULL) STRICT;
        INSERT INTO key_totals VALUES ('k', 1, 5, 6, 0);`);
      v1.pragma("user_version = 1");
      v1.close();
      const ledger = openLedger(temp.ledgerPath);
      expect(ledger.totalFor("k")).toBe(11);
      expect(ledger.leftoverHolds()).toEqual([]);
      ledger.close();
    } finally {
      temp.cleanup();
    }
  });
});
