import { afterEach, describe, expect, it } from "vitest";
import { createEntitlements } from "./create-entitlements.js";
import type { EntitlementsWithUsage as Entitlements, Identity } from "./entitlements.js";
import { createManualClock, createTempDir, entitlementsConfig } from "./test-support/temp-ledger.js";

const temps: Array<{ cleanup: () => void }> = [];
const opened: Entitlements[] = [];
afterEach(async () => {
  for (const entitlements of opened.splice(0)) await entitlements.dispose();
  for (const temp of temps.splice(0)) temp.cleanup();
});

const key1: Identity = { keyId: "key-1", accountId: "acct-1" };
const ok = { model: "m", node: "n", outcome: "ok" as const };

function ledgerAt(window: unknown) {
  const temp = createTempDir();
  temps.push(temp);
  const clock = createManualClock();
  const config = entitlementsConfig({
    keys: [{ key: "sk-1", account_id: "acct-1", key_id: "key-1", hard_cap: 100, window }],
  });
  const start = () => {
    const entitlements = createEntitlements({ config, ledgerPath: temp.ledgerPath, clock: clock.now });
    opened.push(entitlements);
    return entitlements;
  };
  return { start, clock };
}

describe("restart persistence", () => {
  it("a balance key's spend survives a restart, and its cap stays closed", () => {
    const { start } = ledgerAt({ kind: "balance" });
    const first = start();
    first.settle(first.reserve(key1, 50), { promptTokens: 40, completionTokens: 20 }, ok);
    first.reserve(key1, 30); // in flight when cortex stops: a hold, not spend, so it is not carried over
    first.dispose();

    const second = start();
    expect(second.usageFor(key1)).toMatchObject({ spent: 60, reserved: 0, remaining: 40 });
    expect(() => second.reserve(key1, 41)).toThrow(/hard balance exhausted \(41 requested, 40 available\)/);
    second.settle(second.reserve(key1, 40), { promptTokens: 30, completionTokens: 5 }, ok);
    second.dispose();

    expect(start().usageFor(key1).spent).toBe(95);
  });

  it("a rolling window survives a restart: spend still counts until it ages out", () => {
    const { start, clock } = ledgerAt({ kind: "rolling", seconds: 3600 });
    const first = start();
    first.settle(first.reserve(key1, 90), { promptTokens: 80, completionTokens: 10 }, ok);
    clock.advance(1_800_000);
    first.settle(first.reserve(key1, 5), { promptTokens: 5, completionTokens: 0 }, ok);
    first.dispose();

    clock.advance(600_000);
    const second = start();
    const usage = second.usageFor(key1);
    expect(usage).toMatchObject({ spent: 95, remaining: 5 });
    expect(usage.window).toEqual({
      kind: "rolling",
      seconds: 3600,
      next_free_at: new Date(clock.now() + 1_200_000).toISOString(),
      resets_at: new Date(clock.now() + 3_000_000).toISOString(),
    });
    const error = (() => {
      try {
        second.reserve(key1, 50);
      } catch (caught) {
        return caught as { retryAfterSecs?: number };
      }
      return null;
    })();
    expect(error?.retryAfterSecs).toBe(1200);
    second.dispose();

    clock.advance(1_200_000);
    expect(start().usageFor(key1)).toMatchObject({ spent: 5, remaining: 95 });
  });

  it("keeps spend when a key's window changes between runs (rows are the truth)", () => {
    const temp = createTempDir();
    temps.push(temp);
    const clock = createManualClock();
    const run = (window: unknown) => {
      const config = entitlementsConfig({
        keys: [{ key: "k", account_id: "acct-1", key_id: "key-1", window }],
      });
      const entitlements = createEntitlements({ config, ledgerPath: temp.ledgerPath, clock: clock.now });
      opened.push(entitlements);
      return entitlements;
    };
    const balance = run({ kind: "balance" });
    balance.settle(balance.reserve(key1, 10), { promptTokens: 7, completionTokens: 3 }, ok);
    balance.dispose();
    clock.advance(120_000);
    const rolling = run({ kind: "rolling", seconds: 60 });
    expect(rolling.usageFor(key1).spent).toBe(0);
    rolling.settle(rolling.reserve(key1, 10), { promptTokens: 1, completionTokens: 1 }, ok);
    rolling.dispose();
    expect(run({ kind: "balance" }).usageFor(key1).spent).toBe(12);
  });
});
