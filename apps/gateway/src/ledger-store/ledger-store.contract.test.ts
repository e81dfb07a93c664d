import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import type { Budget } from "../entitlements/internal/key-table.js";
import { LEDGER_SCHEMA_VERSION } from "../entitlements/internal/ledger-schema.js";
import type { LedgerRow } from "../entitlements/ledger.js";
import { createTestDatabase, testPostgresUrl } from "../test-support/test-postgres.js";
import type { LeasedHold, LedgerStore, OpenLedgerStoreOptions } from "./ledger-store.js";
import { openLedgerStore } from "./open-ledger-store.js";

/** One backend: how to open a store (again, on the same data) and how to fake a newer schema there. */
interface Backend {
  open(options?: OpenLedgerStoreOptions): Promise<LedgerStore>;
  bumpSchema(version: number): Promise<void>;
  dispose(): Promise<void>;
}

const LEDGER = { path: "", lease_seconds: 30, responses_retention_hours: 1 };

async function sqliteBackend(): Promise<Backend> {
  const folder = mkdtempSync(join(tmpdir(), "helexa-store-"));
  const path = join(folder, "ledger.sqlite");
  return {
    open: (options) => openLedgerStore({ ...LEDGER, path }, options),
    async bumpSchema(version) {
      const database = new Database(path);
      database.pragma(`user_version = ${version}`);
      database.close();
    },
    async dispose() {
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

async function postgresBackend(serverUrl: string): Promise<Backend> {
  const database = await createTestDatabase(serverUrl);
  return {
    open: (options) => openLedgerStore({ ...LEDGER, url: database.url }, options),
    async bumpSchema(version) {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      await client.query("UPDATE ledger_schema SET version = $1", [version]);
      await client.end();
    },
    dispose: () => database.drop(),
  };
}

const postgresUrl = testPostgresUrl("ledger-store.contract");
const backends: [string, () => Promise<Backend>][] = [["sqlite", sqliteBackend]];
if (postgresUrl !== null) backends.push(["postgres", () => postgresBackend(postgresUrl)]);

const NOW = 1_800_000_000_000;
const BALANCE: Budget = { hardCap: 1000, window: { kind: "balance" } };
const ROLLING: Budget = { hardCap: 1000, window: { kind: "rolling", seconds: 60 } };
let uidCounter = 0;

function hold(tokens: number, overrides: Partial<LeasedHold> = {}): LeasedHold {
  uidCounter += 1;
  return {
    reservationUid: `uid-${uidCounter}`,
    requestId: `req-${uidCounter}`,
    timeMs: NOW,
    keyId: "team",
    accountId: "acct",
    model: "tiny",
    tokens,
    promptTokens: Math.min(tokens, 10),
    leaseOwner: "gateway-a",
    leaseExpiresMs: NOW + 30_000,
    ...overrides,
  };
}

function row(from: LeasedHold, used: number, timeMs = NOW): LedgerRow {
  return {
    reservationUid: from.reservationUid,
    requestId: from.requestId,
    timeMs,
    keyId: from.keyId,
    accountId: from.accountId,
    model: from.model,
    node: "n1",
    promptTokens: Math.min(used, 10),
    completionTokens: Math.max(0, used - 10),
    costUsd: 0,
    outcome: "ok",
  };
}

describe.each(backends)("LedgerStore on %s", (_name, makeBackend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const setUp = async () => {
    const backend = await makeBackend();
    cleanups.push(() => backend.dispose());
    const store = await backend.open();
    cleanups.push(() => store.close());
    return { backend, store };
  };

  it("migrates to the current schema at open, again idempotently, and refuses a newer schema", async () => {
    const { backend, store } = await setUp();
    await store.close();
    const again = await backend.open();
    await again.close();
    await backend.bumpSchema(LEDGER_SCHEMA_VERSION + 1);
    await expect(backend.open()).rejects.toThrow(
      `schema version ${LEDGER_SCHEMA_VERSION + 1}; this cortex reads up to ${LEDGER_SCHEMA_VERSION}`,
    );
    cleanups.pop();
  });

  it("read-only: totals per key and model as the writer recorded them, and every write refused", async () => {
    const { backend, store } = await setUp();
    const first = hold(300);
    await store.reserve({ hold: first, budget: BALANCE, nowMs: NOW });
    await store.record(row(first, 250));
    const failed = hold(100, { model: "Big" });
    await store.record({ ...row(failed, 40, NOW + 5), outcome: "error", costUsd: 0.25 });
    await store.record(row(hold(20, { keyId: null, accountId: null }), 20, NOW + 9));

    const reader = await backend.open({ readonly: true });
    cleanups.push(() => reader.close());
    expect(await reader.totals.span()).toEqual({ rows: 3, firstMs: NOW, lastMs: NOW + 9 });
    expect(await reader.totals.byKey(0)).toEqual([
      {
        keyId: "team",
        accountId: "acct",
        requests: 2,
        failed: 1,
        promptTokens: 20,
        completionTokens: 270,
        costUsd: 0.25,
      },
      {
        keyId: null,
        accountId: null,
        requests: 1,
        failed: 0,
        promptTokens: 10,
        completionTokens: 10,
        costUsd: 0,
      },
    ]);
    // Byte order on both stores ("Big" before "tiny"), whatever PostgreSQL's collation would say.
    expect((await reader.totals.byModel(0)).map((totals) => [totals.model, totals.requests])).toEqual([
      ["Big", 1],
      ["tiny", 2],
    ]);
    expect((await reader.totals.byModel(NOW + 1)).map((totals) => totals.model)).toEqual(["Big", "tiny"]);
    expect((await reader.totals.byKey(NOW + 6)).map((totals) => totals.keyId)).toEqual([null]);
    expect(await reader.spendOf("team", BALANCE, NOW)).toMatchObject({ spent: 290, reserved: 0 });

    await expect(reader.record(row(hold(5), 5))).rejects.toThrow(/read-only|readonly/);
    await expect(reader.reserve({ hold: hold(5), budget: null, nowMs: NOW })).rejects.toThrow(
      /read-only|readonly/,
    );
    await expect(reader.renewLeases("gateway-a", NOW)).rejects.toThrow(/read-only|readonly/);
    expect(await store.totals.span()).toMatchObject({ rows: 3 });
  });

  it("read-only opens neither a missing ledger nor one at an older schema (it never migrates)", async () => {
    const backend = await makeBackend();
    cleanups.push(() => backend.dispose());
    await expect(backend.open({ readonly: true })).rejects.toThrow();
    const store = await backend.open();
    await store.close();
    await backend.bumpSchema(LEDGER_SCHEMA_VERSION - 1);
    await expect(backend.open({ readonly: true })).rejects.toThrow(
      `schema version ${LEDGER_SCHEMA_VERSION - 1}; start cortex once to upgrade it`,
    );
  });

  it("grants holds up to the cap, refuses past it, and refuses a request larger than the cap", async () => {
    const { store } = await setUp();
    expect(await store.reserve({ hold: hold(600), budget: BALANCE, nowMs: NOW })).toEqual({ ok: true });
    expect(await store.reserve({ hold: hold(500), budget: BALANCE, nowMs: NOW })).toEqual({
      ok: false,
      reason: "insufficient_quota",
      available: 400,
    });
    expect(await store.reserve({ hold: hold(1001), budget: BALANCE, nowMs: NOW })).toEqual({
      ok: false,
      reason: "exceeds_cap",
      hardCap: 1000,
    });
    expect(await store.reserve({ hold: hold(400), budget: BALANCE, nowMs: NOW })).toEqual({ ok: true });
    expect(await store.spendOf("team", BALANCE, NOW)).toMatchObject({ spent: 0, reserved: 1000 });
    // Anonymous callers are held (charged after a crash) but never refused.
    const anonymous = hold(5000, { keyId: null, accountId: null });
    expect(await store.reserve({ hold: anonymous, budget: null, nowMs: NOW })).toEqual({ ok: true });
  });

  it("records a hold as spend once; a second record of the same reservation changes nothing", async () => {
    const { store } = await setUp();
    const held = hold(300);
    await store.reserve({ hold: held, budget: BALANCE, nowMs: NOW });
    expect(await store.record(row(held, 120))).toBe(true);
    expect(await store.record(row(held, 120))).toBe(false);
    expect(await store.spendOf("team", BALANCE, NOW)).toMatchObject({ spent: 120, reserved: 0 });
    // The freed part of the hold is available again: 1000 - 120.
    expect(await store.reserve({ hold: hold(880), budget: BALANCE, nowMs: NOW })).toEqual({ ok: true });
    expect(await store.reserve({ hold: hold(1), budget: BALANCE, nowMs: NOW })).toMatchObject({ ok: false });
  });

  it("lets 40 concurrent reservations from two stores on the same data grant at most the cap", async () => {
    const { backend, store } = await setUp();
    const second = await backend.open();
    cleanups.push(() => second.close());
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        (index % 2 === 0 ? store : second).reserve({ hold: hold(100), budget: BALANCE, nowMs: NOW }),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(10);
    expect(await second.spendOf("team", BALANCE, NOW)).toMatchObject({ spent: 0, reserved: 1000 });
  });

  it("counts rolling spend only inside the window and says when enough frees", async () => {
    const { store } = await setUp();
    const old = hold(700);
    await store.reserve({ hold: old, budget: ROLLING, nowMs: NOW - 90_000 });
    await store.record(row(old, 700, NOW - 90_000));
    const recent = hold(600);
    await store.reserve({ hold: recent, budget: ROLLING, nowMs: NOW - 20_000 });
    await store.record(row(recent, 600, NOW - 20_000));
    expect(await store.spendOf("team", ROLLING, NOW)).toEqual({
      spent: 600,
      reserved: 0,
      oldestMs: NOW - 20_000,
      newestMs: NOW - 20_000,
    });
    expect(await store.reserve({ hold: hold(500), budget: ROLLING, nowMs: NOW })).toEqual({
      ok: false,
      reason: "rate_limited",
      available: 400,
      retryAfterSecs: 40,
    });
  });

  it("lists holds whose lease ran out, renews a live gateway's, and charges an expired one once", async () => {
    const { store } = await setUp();
    const dead = hold(200, { leaseOwner: "gateway-dead", leaseExpiresMs: NOW + 1000 });
    const live = hold(300, { leaseOwner: "gateway-live", leaseExpiresMs: NOW + 1000 });
    await store.reserve({ hold: dead, budget: BALANCE, nowMs: NOW });
    await store.reserve({ hold: live, budget: BALANCE, nowMs: NOW });
    expect(await store.expiredHolds(NOW + 500)).toEqual([]);
    expect(await store.renewLeases("gateway-live", NOW + 60_000)).toBe(1);
    const expired = await store.expiredHolds(NOW + 2000);
    expect(expired.map((entry) => entry.reservationUid)).toEqual([dead.reservationUid]);
    expect(expired[0]).toMatchObject({ keyId: "team", tokens: 200, promptTokens: 10, model: "tiny" });
    // Two gateways charging it at once: one row.
    const charged = await Promise.all([store.record(row(dead, 200)), store.record(row(dead, 200))]);
    expect(charged.filter(Boolean)).toHaveLength(1);
    expect(await store.expiredHolds(NOW + 2000)).toEqual([]);
    expect(await store.spendOf("team", BALANCE, NOW)).toMatchObject({ spent: 200, reserved: 300 });
  });

  it("keeps stored responses per owner, deletes them, and forgets them after the retention", async () => {
    const { store } = await setUp();
    const stored = {
      id: "resp_1",
      owner: "team",
      model: "tiny",
      input: [{ type: "message", role: "user", content: "hi" }],
      instructions: null,
      response: { id: "resp_1", object: "response", output: [] },
      createdAtMs: Date.now(),
    };
    store.responses.put(stored);
    store.responses.put({ ...stored, id: "resp_old", createdAtMs: Date.now() - 2 * 3_600_000 });
    await expect.poll(async () => store.responses.get("resp_1", "team")).toEqual(stored);
    expect(await store.responses.get("resp_1", "other")).toBeUndefined();
    expect(await store.responses.get("resp_1", null)).toBeUndefined();
    expect(await store.responses.get("resp_old", "team")).toBeUndefined();
    expect(await store.responses.delete("resp_1", "other")).toBe(false);
    expect(await store.responses.delete("resp_1", "team")).toBe(true);
    expect(await store.responses.get("resp_1", "team")).toBeUndefined();
  });

  it("keeps neuron registrations until they expire, renews them by id, and removes them", async () => {
    const { store } = await setUp();
    const registration = {
      id: "gpu-1",
      name: "gpu-1",
      url: "http://10.0.0.5:13131",
      authToken: "neuron-secret",
      registeredAtMs: NOW,
      expiresAtMs: NOW + 10_000,
    };
    await store.registrations.upsert(registration);
    await store.registrations.upsert({ ...registration, id: "gpu-2", name: "gpu-2", authToken: null });
    expect(await store.registrations.live(NOW)).toEqual([
      registration,
      { ...registration, id: "gpu-2", name: "gpu-2", authToken: null },
    ]);
    await store.registrations.upsert({ ...registration, expiresAtMs: NOW + 30_000 });
    expect((await store.registrations.live(NOW + 20_000)).map((entry) => entry.id)).toEqual(["gpu-1"]);
    await store.registrations.remove("gpu-1");
    expect(await store.registrations.live(NOW)).toEqual([
      { ...registration, id: "gpu-2", name: "gpu-2", authToken: null },
    ]);
  });
});
