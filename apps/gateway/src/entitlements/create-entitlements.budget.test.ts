import { HelexaError } from "@helexa/core";
import { afterEach, describe, expect, it } from "vitest";
import { createEntitlements } from "./create-entitlements.js";
import type { LocalEntitlements as Entitlements, Identity } from "./entitlements.js";
import { createManualClock, createTempDir, entitlementsConfig } from "./test-support/temp-ledger.js";

const temps: Array<{ cleanup: () => void }> = [];
const opened: Entitlements[] = [];
afterEach(() => {
  for (const entitlements of opened.splice(0)) entitlements.dispose();
  for (const temp of temps.splice(0)) temp.cleanup();
});

const clock = createManualClock();
const key1: Identity = { keyId: "key-1", accountId: "acct-1" };
const details = { model: "m", node: "n1", outcome: "ok" as const };

function setup(hardCap: number | undefined, window: unknown = { kind: "balance" }): Entitlements {
  const temp = createTempDir();
  temps.push(temp);
  const key = { key: "sk-1", account_id: "acct-1", key_id: "key-1", window, hard_cap: hardCap };
  const entitlements = createEntitlements({
    config: entitlementsConfig({ keys: [key] }),
    ledgerPath: temp.ledgerPath,
    clock: clock.now,
  });
  opened.push(entitlements);
  return entitlements;
}

function refusal(run: () => unknown): HelexaError {
  try {
    run();
  } catch (error) {
    if (HelexaError.is(error)) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("budgets", () => {
  it("balance over cap is 429 insufficient_quota without Retry-After", () => {
    const entitlements = setup(10);
    const error = refusal(() => entitlements.reserve(key1, 1000));
    expect(error.statusCode).toBe(429);
    expect(error.code).toBe("insufficient_quota");
    expect(error.type).toBe("insufficient_quota");
    expect(error.retryAfterSecs).toBeUndefined();
  });

  it("balance: available is cap - spent - reserved", () => {
    const entitlements = setup(100);
    const held = entitlements.reserve(key1, 60);
    const error = refusal(() => entitlements.reserve(key1, 41));
    expect(error.message).toBe("hard balance exhausted (41 requested, 40 available)");
    entitlements.settle(held, { promptTokens: 20, completionTokens: 10 }, details);
    expect(entitlements.reserve(key1, 70).tokens).toBe(70);
    expect(() => entitlements.reserve(key1, 1)).toThrow(/0 available/);
  });

  it("rolling over cap is 429 rate_limit_exceeded with 1 <= Retry-After <= window", () => {
    const entitlements = setup(100, { kind: "rolling", seconds: 60 });
    entitlements.settle(entitlements.reserve(key1, 90), { promptTokens: 50, completionTokens: 30 }, details);
    clock.advance(10_000);
    const error = refusal(() => entitlements.reserve(key1, 50));
    expect(error.statusCode).toBe(429);
    expect(error.code).toBe("rate_limit_exceeded");
    expect(error.retryAfterSecs).toBeGreaterThanOrEqual(1);
    expect(error.retryAfterSecs).toBeLessThanOrEqual(60);
    expect(error.retryAfterSecs).toBe(50);
  });

  it("rolling spend frees one window after it was made", () => {
    const entitlements = setup(100, { kind: "rolling", seconds: 60 });
    entitlements.settle(entitlements.reserve(key1, 80), { promptTokens: 40, completionTokens: 40 }, details);
    clock.advance(30_000);
    entitlements.settle(entitlements.reserve(key1, 20), { promptTokens: 10, completionTokens: 10 }, details);
    expect(() => entitlements.reserve(key1, 30)).toThrow(/rolling-window budget exhausted/);
    expect(entitlements.usageFor(key1).spent).toBe(100);
    clock.advance(30_000);
    expect(entitlements.usageFor(key1).spent).toBe(20);
    expect(entitlements.reserve(key1, 80).tokens).toBe(80);
  });

  it("Retry-After counts to when enough spend frees, not to the end of the window", () => {
    const entitlements = setup(100, { kind: "rolling", seconds: 100 });
    entitlements.settle(entitlements.reserve(key1, 30), { promptTokens: 30, completionTokens: 0 }, details);
    clock.advance(20_000);
    entitlements.settle(entitlements.reserve(key1, 60), { promptTokens: 60, completionTokens: 0 }, details);
    // 10 available; 30 needed frees when the first 30 leave the window, 80 s from now.
    expect(refusal(() => entitlements.reserve(key1, 30)).retryAfterSecs).toBe(80);
    // 70 needed: both must leave, the second 100 s from now.
    expect(refusal(() => entitlements.reserve(key1, 70)).retryAfterSecs).toBe(100);
  });

  it("a request larger than the whole cap is refused as insufficient_quota, even on a rolling window", () => {
    const entitlements = setup(100, { kind: "rolling", seconds: 60 });
    const error = refusal(() => entitlements.reserve(key1, 101));
    expect(error.code).toBe("insufficient_quota");
    expect(error.retryAfterSecs).toBeUndefined();
    expect(error.message).toMatch(/hard cap is 100 tokens; lower max_tokens/);
  });

  it("within cap is served", () => {
    const entitlements = setup(1_000_000);
    expect(entitlements.reserve(key1, 1000).tokens).toBe(1000);
  });

  it("an uncapped key is metered but never refused", () => {
    const entitlements = setup(undefined);
    for (let index = 0; index < 5; index += 1) {
      entitlements.settle(
        entitlements.reserve(key1, 1e9),
        { promptTokens: 1e6, completionTokens: 1 },
        details,
      );
    }
    expect(entitlements.usageFor(key1)).toMatchObject({ hard_cap: null, remaining: null, spent: 5_000_005 });
  });

  it("a0 seatbelt: 20 sequential requests never spend past the cap, and holds drain", () => {
    const entitlements = setup(100);
    let served = 0;
    let refused = 0;
    for (let index = 0; index < 20; index += 1) {
      try {
        const reservation = entitlements.reserve(key1, 20);
        served += 1;
        entitlements.settle(reservation, { promptTokens: 10, completionTokens: 5 }, details);
      } catch (error) {
        expect(HelexaError.is(error) && error.code).toBe("insufficient_quota");
        refused += 1;
      }
    }
    expect(served).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    const usage = entitlements.usageFor(key1);
    expect(usage.spent).toBeLessThanOrEqual(100);
    expect(usage.spent).toBe(served * 15);
    expect(usage.reserved).toBe(0);
  });

  it("a parallel burst on one key never holds or spends past the cap", async () => {
    const entitlements = setup(1000);
    let outstanding = 0;
    let spent = 0;
    let peak = 0;
    const request = async (index: number): Promise<"served" | "refused"> => {
      await new Promise((resolve) => setImmediate(resolve));
      let reservation: ReturnType<Entitlements["reserve"]>;
      try {
        reservation = entitlements.reserve(key1, 30 + (index % 7));
      } catch (error) {
        if (HelexaError.is(error) && error.statusCode === 429) return "refused";
        throw error;
      }
      outstanding += reservation.tokens;
      peak = Math.max(peak, outstanding + spent);
      for (let tick = 0; tick < index % 5; tick += 1) await new Promise((resolve) => setImmediate(resolve));
      outstanding -= reservation.tokens;
      if (index % 4 === 0) {
        entitlements.release(reservation, { ...details, outcome: "aborted" });
      } else {
        spent += reservation.tokens - 3;
        entitlements.settle(
          reservation,
          { promptTokens: reservation.tokens - 3, completionTokens: 0 },
          details,
        );
      }
      return "served";
    };
    const outcomes = await Promise.all(Array.from({ length: 200 }, (_, index) => request(index)));
    expect(outcomes).toContain("served");
    expect(outcomes).toContain("refused");
    expect(peak).toBeLessThanOrEqual(1000);
    const usage = entitlements.usageFor(key1);
    expect(usage.spent).toBe(spent);
    expect(usage.spent).toBeLessThanOrEqual(1000);
    expect(usage.reserved).toBe(0);
  });

  it("keys sharing a key_id share one budget", () => {
    const temp = createTempDir();
    temps.push(temp);
    const shared = { account_id: "acct", key_id: "team", hard_cap: 100 };
    const entitlements = createEntitlements({
      config: entitlementsConfig({
        keys: [
          { key: "sk-a", ...shared },
          { key: "sk-b", ...shared },
        ],
      }),
      ledgerPath: temp.ledgerPath,
    });
    opened.push(entitlements);
    const a = entitlements.authenticate(new Headers({ authorization: "Bearer sk-a" }));
    const b = entitlements.authenticate(new Headers({ "x-api-key": "sk-b" }));
    if (a === null || b === null) throw new Error("expected identities");
    entitlements.reserve(a, 60);
    expect(() => entitlements.reserve(b, 60)).toThrow(/40 available/);
  });

  it("rejects a negative or non-finite reservation as a programming error", () => {
    const entitlements = setup(100);
    expect(() => entitlements.reserve(key1, -1)).toThrow(RangeError);
    expect(() => entitlements.reserve(key1, Number.NaN)).toThrow(RangeError);
    expect(entitlements.reserve(key1, 2.2).tokens).toBe(3);
  });
});
