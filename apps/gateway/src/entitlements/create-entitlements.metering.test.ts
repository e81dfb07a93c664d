import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { createEntitlements } from "./create-entitlements.js";
import type { Identity } from "./entitlements.js";
import { createManualClock, createTempDir, entitlementsConfig } from "./test-support/temp-ledger.js";

const temps: Array<{ cleanup: () => void }> = [];
const opened: Array<{ close: () => void }> = [];
afterEach(() => {
  for (const handle of opened.splice(0)) handle.close();
  for (const temp of temps.splice(0)) temp.cleanup();
});

const key1: Identity = { keyId: "key-1", accountId: "acct-1" };
const ok = { model: "tiny", node: "n1", outcome: "ok" as const };
const keys = [{ key: "sk-1", account_id: "acct-1", key_id: "key-1", hard_cap: 1_000_000 }];

interface Row {
  key_id: string | null;
  account_id: string | null;
  model: string;
  node: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  outcome: string;
  request_id: string | null;
  time_ms: number;
}

function setup(options: { costFor?: (model: string, usage: { promptTokens: number }) => number } = {}) {
  const temp = createTempDir();
  temps.push(temp);
  const clock = createManualClock();
  const warnings: string[] = [];
  const ignore = () => {};
  const logger = {
    debug: ignore,
    info: ignore,
    error: ignore,
    warn: (_: unknown, message: string) => warnings.push(message),
  };
  const entitlements = createEntitlements({
    logger,
    config: entitlementsConfig({ keys }),
    ledgerPath: temp.ledgerPath,
    clock: clock.now,
    ...options,
  });
  opened.push({ close: () => entitlements.dispose() });
  const rows = (): Row[] => {
    const database = new Database(temp.ledgerPath, { readonly: true });
    try {
      return database.prepare("SELECT * FROM requests ORDER BY id").all() as Row[];
    } finally {
      database.close();
    }
  };
  return { entitlements, rows, clock, ledgerPath: temp.ledgerPath, warnings };
}

describe("metering", () => {
  it("cumulative spend is metered per key", () => {
    const { entitlements, rows } = setup();
    for (let index = 0; index < 3; index += 1) {
      entitlements.settle(entitlements.reserve(key1, 500), { promptTokens: 10, completionTokens: 5 }, ok);
    }
    expect(entitlements.usageFor(key1)).toEqual({
      object: "usage",
      key_id: "key-1",
      account_id: "acct-1",
      hard_cap: 1_000_000,
      spent: 45,
      reserved: 0,
      remaining: 1_000_000 - 45,
      window: { kind: "balance" },
    });
    expect(rows()).toHaveLength(3);
  });

  it("an anonymous request records no key spend, but leaves an anonymous ledger row", () => {
    const { entitlements, rows } = setup();
    entitlements.settle(entitlements.reserve(null, 500), { promptTokens: 10, completionTokens: 5 }, ok);
    expect(entitlements.usageFor(key1).spent).toBe(0);
    expect(rows()).toMatchObject([
      { key_id: null, account_id: null, prompt_tokens: 10, completion_tokens: 5 },
    ]);
  });

  it("writes one row per settle with the request's details and the clock's time", () => {
    const { entitlements, rows, clock } = setup({
      costFor: (model, usage) => (model === "tiny" ? usage.promptTokens / 1e6 : 0),
    });
    const reservation = entitlements.reserve(key1, 100);
    entitlements.settle(
      reservation,
      { promptTokens: 2_000, completionTokens: 7 },
      { ...ok, requestId: "req-1" },
    );
    expect(rows()).toEqual([
      expect.objectContaining({
        key_id: "key-1",
        account_id: "acct-1",
        model: "tiny",
        node: "n1",
        prompt_tokens: 2_000,
        completion_tokens: 7,
        cost_usd: 0.002,
        outcome: "ok",
        request_id: "req-1",
        time_ms: clock.now(),
      }),
    ]);
  });

  it("settles exactly once: a second settle or a later release changes nothing", () => {
    const { entitlements, rows } = setup();
    const reservation = entitlements.reserve(key1, 100);
    entitlements.settle(reservation, { promptTokens: 10, completionTokens: 5 }, ok);
    entitlements.settle(reservation, { promptTokens: 10, completionTokens: 5 }, ok);
    entitlements.release(reservation, { ...ok, outcome: "aborted" });
    expect(rows()).toHaveLength(1);
    expect(entitlements.usageFor(key1)).toMatchObject({ spent: 15, reserved: 0 });
  });

  it("release drops the hold and records a zero-usage row with its outcome", () => {
    const { entitlements, rows } = setup();
    const reservation = entitlements.reserve(key1, 100);
    expect(entitlements.usageFor(key1).reserved).toBe(100);
    entitlements.release(reservation, { model: "tiny", node: null, outcome: "error" });
    entitlements.release(reservation, { model: "tiny", node: null, outcome: "error" });
    entitlements.settle(reservation, { promptTokens: 10, completionTokens: 5 }, ok);
    expect(entitlements.usageFor(key1)).toMatchObject({ spent: 0, reserved: 0 });
    expect(rows()).toMatchObject([
      { key_id: "key-1", prompt_tokens: 0, completion_tokens: 0, outcome: "error", node: null },
    ]);
  });

  it("ignores a reservation another instance made", () => {
    const first = setup();
    const second = setup();
    const foreign = second.entitlements.reserve(key1, 100);
    first.entitlements.settle(foreign, { promptTokens: 1, completionTokens: 1 }, ok);
    expect(first.rows()).toHaveLength(0);
    expect(second.entitlements.usageFor(key1).reserved).toBe(100);
  });

  it("counts garbage usage as 0 and a failing or NaN cost lookup as cost 0", () => {
    const { entitlements, rows } = setup({
      costFor: (_model, usage) => {
        if (usage.promptTokens === 3) throw new Error("no price");
        return Number.NaN;
      },
    });
    entitlements.settle(
      entitlements.reserve(key1, 10),
      { promptTokens: -4, completionTokens: Number.NaN },
      ok,
    );
    entitlements.settle(entitlements.reserve(key1, 10), { promptTokens: 3, completionTokens: 2.6 }, ok);
    entitlements.settle(entitlements.reserve(key1, 10), { promptTokens: 4, completionTokens: 0 }, ok);
    expect(rows().map((row) => [row.prompt_tokens, row.completion_tokens, row.cost_usd])).toEqual([
      [0, 0, 0],
      [3, 3, 0],
      [4, 0, 0],
    ]);
    expect(entitlements.usageFor(key1).spent).toBe(10);
  });

  it("keeps the ledger append-only", () => {
    const { entitlements, ledgerPath } = setup();
    entitlements.settle(entitlements.reserve(key1, 10), { promptTokens: 1, completionTokens: 1 }, ok);
    const database = new Database(ledgerPath);
    opened.push(database);
    expect(() => database.prepare("UPDATE requests SET prompt_tokens = 0").run()).toThrow(/append-only/);
    expect(() => database.prepare("DELETE FROM requests").run()).toThrow(/append-only/);
  });

  it("after dispose, a settle is logged and dropped without throwing", () => {
    const { entitlements, rows, warnings } = setup();
    const reservation = entitlements.reserve(key1, 10);
    entitlements.dispose();
    expect(() =>
      entitlements.settle(reservation, { promptTokens: 1, completionTokens: 1 }, ok),
    ).not.toThrow();
    expect(warnings).toContain("ledger closed; usage row dropped");
    expect(rows()).toHaveLength(0);
  });
});
