import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { createEntitlements } from "./create-entitlements.js";
import type { Identity, LocalEntitlements } from "./entitlements.js";
import { createManualClock, createTempDir, entitlementsConfig } from "./test-support/temp-ledger.js";

// Holds are written to the ledger before dispatch and charged at the next start if never settled.
const temps: Array<{ cleanup: () => void }> = [];
const opened: LocalEntitlements[] = [];
afterEach(() => {
  for (const entitlements of opened.splice(0)) entitlements.dispose();
  for (const temp of temps.splice(0)) temp.cleanup();
});

const clock = createManualClock();
const key1: Identity = { keyId: "key-1", accountId: "acct-1" };
const config = entitlementsConfig({
  keys: [{ key: "sk-1", key_id: "key-1", account_id: "acct-1", hard_cap: 1000 }],
});

function open(ledgerPath: string): LocalEntitlements {
  const entitlements = createEntitlements({ config, ledgerPath, clock: clock.now });
  opened.push(entitlements);
  return entitlements;
}

function rows(ledgerPath: string) {
  const database = new Database(ledgerPath, { readonly: true });
  try {
    return {
      requests: database
        .prepare("SELECT request_id, prompt_tokens, completion_tokens, outcome FROM requests")
        .all(),
      holds: (database.prepare("SELECT count(*) AS n FROM holds").get() as { n: number }).n,
    };
  } finally {
    database.close();
  }
}

describe("budget holds in the ledger", () => {
  it("writes a hold before dispatch and removes it in the transaction that records the request", () => {
    const temp = createTempDir();
    temps.push(temp);
    const entitlements = open(temp.ledgerPath);
    const reservation = entitlements.reserve(key1, 300, { model: "m", requestId: "r-1", promptTokens: 100 });
    expect(rows(temp.ledgerPath).holds).toBe(1);
    entitlements.settle(
      reservation,
      { promptTokens: 20, completionTokens: 30 },
      { model: "m", node: "n", outcome: "ok" },
    );
    expect(rows(temp.ledgerPath).holds).toBe(0);
  });

  it("charges holds left by a process that stopped before settling, at their full size, once", () => {
    const temp = createTempDir();
    temps.push(temp);
    const first = open(temp.ledgerPath);
    first.reserve(key1, 300, { model: "m", requestId: "r-crashed", promptTokens: 100 });
    first.dispose();
    const second = open(temp.ledgerPath);
    expect(second.usageFor(key1)).toMatchObject({ spent: 300, reserved: 0 });
    expect(rows(temp.ledgerPath)).toEqual({
      requests: [{ request_id: "r-crashed", prompt_tokens: 100, completion_tokens: 200, outcome: "aborted" }],
      holds: 0,
    });
    second.dispose();
    expect(open(temp.ledgerPath).usageFor(key1).spent).toBe(300);
  });

  it("charges a leftover hold at the usage its neuron reported, when known", () => {
    const temp = createTempDir();
    temps.push(temp);
    const first = open(temp.ledgerPath);
    first.reserve(key1, 300, { model: "m", requestId: "r-known", promptTokens: 100 });
    first.dispose();
    const known = new Map([["r-known", { promptTokens: 12, completionTokens: 30 }]]);
    const second = createEntitlements({
      config,
      ledgerPath: temp.ledgerPath,
      clock: clock.now,
      leftoverUsage: known,
    });
    opened.push(second);
    expect(second.usageFor(key1).spent).toBe(42);
    expect(rows(temp.ledgerPath).requests).toEqual([
      { request_id: "r-known", prompt_tokens: 12, completion_tokens: 30, outcome: "aborted" },
    ]);
  });
});
