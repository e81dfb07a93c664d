import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openLedger } from "../entitlements/ledger.js";
import { createLedgerResponseStore } from "./create-ledger-response-store.js";
import { createMemoryResponseStore } from "./create-memory-response-store.js";
import type { ResponseStore, StoredResponse } from "./response-store.js";

const HOUR = 3_600_000;
let now = 1_000_000;
const clock = () => now;
const dirs: string[] = [];

afterEach(() => {
  now = 1_000_000;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function stored(id: string, owner: string | null): StoredResponse {
  return {
    id,
    owner,
    model: "tiny",
    input: [{ type: "message", role: "user", content: `hello ${id}` }],
    instructions: null,
    response: {
      id,
      object: "response",
      output: [{ type: "message", content: [] }],
      usage: { total_tokens: 3 },
    },
    createdAtMs: now,
  };
}

const stores: Array<[string, () => ResponseStore]> = [
  [
    "memory",
    () => createMemoryResponseStore({ maxEntries: 100, maxBytes: 1 << 20, retentionMs: HOUR, now: clock }),
  ],
  [
    "ledger",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "responses-"));
      dirs.push(dir);
      return createLedgerResponseStore(openLedger(join(dir, "ledger.sqlite")).database, {
        retentionMs: HOUR,
        now: clock,
        ownsDatabase: true,
      });
    },
  ],
];

describe.each(stores)("%s response store", (_name, make) => {
  it("returns what was put, to its owner only", () => {
    const store = make();
    store.put(stored("resp_a", "key-1"));
    store.put(stored("resp_b", null));
    expect(store.get("resp_a", "key-1")).toEqual(stored("resp_a", "key-1"));
    expect(store.get("resp_a", null)).toBeUndefined();
    expect(store.get("resp_a", "key-2")).toBeUndefined();
    expect(store.get("resp_b", null)).toEqual(stored("resp_b", null));
    expect(store.get("resp_b", "key-1")).toBeUndefined();
    store.close();
  });

  it("deletes for the owner only, once", () => {
    const store = make();
    store.put(stored("resp_a", "key-1"));
    expect(store.delete("resp_a", "key-2")).toBe(false);
    expect(store.delete("resp_a", "key-1")).toBe(true);
    expect(store.delete("resp_a", "key-1")).toBe(false);
    expect(store.get("resp_a", "key-1")).toBeUndefined();
    store.close();
  });

  it("forgets entries older than the retention", () => {
    const store = make();
    store.put(stored("resp_a", "key-1"));
    now += HOUR - 1;
    expect(store.get("resp_a", "key-1")).toBeDefined();
    now += 1;
    expect(store.get("resp_a", "key-1")).toBeUndefined();
    expect(store.delete("resp_a", "key-1")).toBe(false);
    store.close();
  });
});

describe("memory response store", () => {
  it("keeps at most maxEntries, dropping the least recently used", () => {
    const store = createMemoryResponseStore({
      maxEntries: 2,
      maxBytes: 1 << 20,
      retentionMs: HOUR,
      now: clock,
    });
    store.put(stored("resp_a", null));
    store.put(stored("resp_b", null));
    store.get("resp_a", null);
    store.put(stored("resp_c", null));
    expect(store.get("resp_b", null)).toBeUndefined();
    expect(store.get("resp_a", null)).toBeDefined();
    expect(store.get("resp_c", null)).toBeDefined();
  });

  it("keeps the entries' JSON size under maxBytes, dropping the least recently used", () => {
    const size =
      JSON.stringify(stored("resp_a", null).input).length +
      JSON.stringify(stored("resp_a", null).response).length;
    const store = createMemoryResponseStore({
      maxEntries: 100,
      maxBytes: size * 2,
      retentionMs: HOUR,
      now: clock,
    });
    store.put(stored("resp_a", null));
    store.put(stored("resp_b", null));
    store.put(stored("resp_c", null));
    expect(store.get("resp_a", null)).toBeUndefined();
    expect(store.get("resp_b", null)).toBeDefined();
    expect(store.get("resp_c", null)).toBeDefined();
    const tiny = createMemoryResponseStore({
      maxEntries: 100,
      maxBytes: size - 1,
      retentionMs: HOUR,
      now: clock,
    });
    tiny.put(stored("resp_a", null));
    expect(tiny.get("resp_a", null)).toBeUndefined();
  });
});

describe("ledger response store", () => {
  it("keeps stored responses across a reopen of the ledger", () => {
    const dir = mkdtempSync(join(tmpdir(), "responses-"));
    dirs.push(dir);
    const path = join(dir, "ledger.sqlite");
    const first = createLedgerResponseStore(openLedger(path).database, {
      retentionMs: HOUR,
      now: clock,
      ownsDatabase: true,
    });
    first.put(stored("resp_a", "key-1"));
    first.close();
    const second = createLedgerResponseStore(openLedger(path).database, {
      retentionMs: HOUR,
      now: clock,
      ownsDatabase: true,
    });
    expect(second.get("resp_a", "key-1")).toEqual(stored("resp_a", "key-1"));
    second.close();
  });
});
