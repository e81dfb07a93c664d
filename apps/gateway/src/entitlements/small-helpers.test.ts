import { describe, expect, it } from "vitest";
import { computeCost } from "./compute-cost.js";
import { parseSince } from "./internal/parse-since.js";
import { resolveLedgerPath } from "./resolve-ledger-path.js";

describe("computeCost", () => {
  it("prices prompt at input and completion at output, USD per 1M tokens", () => {
    expect(
      computeCost({ input: 3, output: 15 }, { promptTokens: 1_000_000, completionTokens: 2_000 }),
    ).toBeCloseTo(3.03);
    expect(computeCost(undefined, { promptTokens: 5, completionTokens: 5 })).toBe(0);
  });
});

describe("resolveLedgerPath", () => {
  it("resolves a relative path against the config file's folder, keeps an absolute one", () => {
    expect(resolveLedgerPath("/etc/cortex/cortex.toml", "ledger.sqlite")).toBe("/etc/cortex/ledger.sqlite");
    expect(resolveLedgerPath("/etc/cortex/cortex.toml", "/var/lib/cortex/l.sqlite")).toBe(
      "/var/lib/cortex/l.sqlite",
    );
  });
});

describe("parseSince", () => {
  it("takes durations and ISO dates, and refuses anything else", () => {
    expect(parseSince("24h", 100_000_000)).toEqual({ ok: true, ms: 100_000_000 - 86_400_000 });
    expect(parseSince("7d", 0)).toEqual({ ok: true, ms: -604_800_000 });
    expect(parseSince("2025-01-02", 0)).toEqual({ ok: true, ms: Date.UTC(2025, 0, 2) });
    expect(parseSince("yesterday", 0).ok).toBe(false);
    expect(parseSince("12", 0).ok).toBe(false);
  });
});
