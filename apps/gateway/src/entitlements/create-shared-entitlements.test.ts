import { HelexaError } from "@helexa/core";
import { afterEach, describe, expect, it } from "vitest";
import type { LedgerStore } from "../ledger-store/ledger-store.js";
import { openSqliteLedgerStore } from "../ledger-store/open-sqlite-ledger-store.js";
import { createSharedEntitlements } from "./create-shared-entitlements.js";
import { bearer, createManualClock, createTempDir, entitlementsConfig } from "./test-support/temp-ledger.js";

// The shared-ledger entitlements on a real store (the SQLite one; the PostgreSQL store passes the same
// contract suite): budgets decided by the store, leases, and a dead gateway's holds charged by another.
const config = entitlementsConfig({
  keys: [{ key: "sk-team", key_id: "team", account_id: "acct", hard_cap: 1000 }],
});
const details = { model: "tiny", node: "n1", outcome: "ok" as const };
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function openStore(): LedgerStore {
  const temp = createTempDir();
  cleanups.push(() => temp.cleanup());
  const store = openSqliteLedgerStore(temp.ledgerPath, { responsesRetentionMs: 3_600_000 });
  cleanups.push(() => store.close());
  return store;
}

async function open(store: LedgerStore, clock: () => number, leaseMs = 60_000) {
  const entitlements = await createSharedEntitlements({ config, store, leaseMs, clock });
  cleanups.push(() => entitlements.dispose());
  return entitlements;
}

describe("createSharedEntitlements", () => {
  it("reserves through the store, refuses past the cap with a 429, and settles into /v1/usage", async () => {
    const clock = createManualClock();
    const store = openStore();
    const one = await open(store, clock.now);
    const two = await open(store, clock.now);
    const identity = one.authenticate(bearer("sk-team"));
    if (identity === null) throw new Error("expected the key");
    const first = await one.reserve(identity, 600, { model: "tiny", requestId: "r1", promptTokens: 10 });
    // The other gateway sees the first one's hold.
    await expect(two.reserve(identity, 500, { model: "tiny" })).rejects.toMatchObject({
      statusCode: 429,
      code: "insufficient_quota",
    });
    one.settle(first, { promptTokens: 10, completionTokens: 90 }, details);
    await one.dispose();
    expect(await two.usageFor(identity)).toMatchObject({ spent: 100, reserved: 0, remaining: 900 });
    await expect(two.reserve(identity, 900, { model: "tiny" })).resolves.toMatchObject({ tokens: 900 });
  });

  it("answers 503 without internals when the store cannot decide a reservation", async () => {
    const store = openStore();
    const failing: LedgerStore = {
      ...store,
      reserve: async () => {
        throw new Error("connect ECONNREFUSED 10.0.0.9:5432 (internal detail)");
      },
    };
    const entitlements = await open(failing, Date.now);
    const identity = entitlements.authenticate(bearer("sk-team"));
    const refusal = (await entitlements.reserve(identity, 10, { model: "tiny" }).then(
      () => null,
      (error: unknown) => error,
    )) as HelexaError;
    expect(HelexaError.is(refusal)).toBe(true);
    expect(refusal).toMatchObject({ statusCode: 503, code: "service_unavailable" });
    expect(String(refusal.message)).not.toMatch(/ECONNREFUSED|10\.0\.0\.9/);
  });

  it("charges a dead gateway's holds once its lease has run out, and not while it is renewed", async () => {
    const clock = createManualClock();
    const store = openStore();
    const dead = await open(store, clock.now, 1000);
    const identity = dead.authenticate(bearer("sk-team"));
    if (identity === null) throw new Error("expected the key");
    await dead.reserve(identity, 400, { model: "tiny", requestId: "lost", promptTokens: 30 });
    // It stops renewing (as if SIGKILLed: no settle, no more lease renewals).
    await dead.dispose();
    clock.advance(500);
    const survivor = await open(store, clock.now, 1000);
    expect(await survivor.usageFor(identity)).toMatchObject({ spent: 0, reserved: 400 });
    clock.advance(1000);
    // A new gateway charges expired holds when it starts; the survivor does on its timer. Either way, once.
    const third = await open(store, clock.now, 1000);
    await expect.poll(async () => (await third.usageFor(identity)).reserved).toBe(0);
    expect(await survivor.usageFor(identity)).toMatchObject({ spent: 400, reserved: 0 });
    expect(await store.expiredHolds(clock.now())).toEqual([]);
  });
});
