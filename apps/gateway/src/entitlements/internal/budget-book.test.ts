import { describe, expect, it } from "vitest";
import { BudgetBook, type SpendSource } from "./budget-book.js";
import type { Budget } from "./key-table.js";

const empty: SpendSource = { totalFor: () => 0, bucketsSince: () => [] };

describe("BudgetBook", () => {
  it("keeps rolling spend in bounded buckets however many requests settle", () => {
    const day = 86_400;
    const book = new BudgetBook(
      new Map<string, Budget>([["k", { hardCap: null, window: { kind: "rolling", seconds: day } }]]),
      empty,
    );
    let now = 0;
    for (let index = 0; index < 200_000; index += 1) {
      now += 997; // one request a second for more than two days
      book.spend("k", 1, now);
    }
    const snapshot = book.snapshot("k", now);
    // A day's window holds a day of spend, give or take one 24 s bucket (times round up, never down).
    expect(snapshot.spent).toBeGreaterThanOrEqual(Math.floor((day * 1000) / 997));
    expect(snapshot.spent).toBeLessThanOrEqual(Math.ceil(((day + 24) * 1000) / 997));
    expect(snapshot.buckets).toBeLessThanOrEqual(3601);
  });

  it("loads a key's spend from the source only the first time it is touched", () => {
    let loads = 0;
    const source: SpendSource = {
      totalFor: () => {
        loads += 1;
        return 70;
      },
      bucketsSince: () => [],
    };
    const book = new BudgetBook(new Map([["k", { hardCap: 100, window: { kind: "balance" } }]]), source);
    expect(book.tryReserve("k", 31, 0)).toEqual({ ok: false, reason: "insufficient_quota", available: 30 });
    expect(book.tryReserve("k", 30, 0)).toEqual({ ok: true });
    expect(book.snapshot("k", 0)).toMatchObject({ spent: 70, reserved: 30 });
    expect(loads).toBe(1);
  });

  it("rolling: holds in the way (not spend) give the whole window as Retry-After", () => {
    const book = new BudgetBook(
      new Map([["k", { hardCap: 100, window: { kind: "rolling", seconds: 30 } }]]),
      empty,
    );
    expect(book.tryReserve("k", 80, 0)).toEqual({ ok: true });
    expect(book.tryReserve("k", 30, 0)).toEqual({
      ok: false,
      reason: "rate_limited",
      available: 20,
      retryAfterSecs: 30,
    });
  });

  it("an unknown key is uncapped", () => {
    const book = new BudgetBook(new Map(), empty);
    expect(book.tryReserve("who", 1e12, 0)).toEqual({ ok: true });
  });
});
