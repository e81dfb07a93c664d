import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { createEntitlements } from "./create-entitlements.js";
import { createEntitlementMetrics } from "./entitlement-metrics.js";
import { createManualClock, createTempDir, entitlementsConfig } from "./test-support/temp-ledger.js";

const temps: Array<{ cleanup: () => void }> = [];
afterEach(() => {
  for (const temp of temps.splice(0)) temp.cleanup();
});

describe("entitlement metrics", () => {
  it("counts per key and outcome, anonymous under empty labels, with live budget gauges", async () => {
    const temp = createTempDir();
    temps.push(temp);
    const registry = new Registry();
    const clock = createManualClock();
    const entitlements = createEntitlements({
      config: entitlementsConfig({
        keys: [
          {
            key: "a",
            account_id: "acct-1",
            key_id: "k1",
            hard_cap: 1000,
            window: { kind: "rolling", seconds: 60 },
          },
          { key: "b", account_id: "acct-2", key_id: "k2" },
        ],
      }),
      ledgerPath: temp.ledgerPath,
      clock: clock.now,
      metrics: createEntitlementMetrics(registry),
      costFor: (_model, usage) => usage.completionTokens / 1000,
    });
    const k1 = { keyId: "k1", accountId: "acct-1" };
    const ok = { model: "m", node: "n", outcome: "ok" as const };
    entitlements.settle(entitlements.reserve(k1, 100), { promptTokens: 60, completionTokens: 40 }, ok);
    entitlements.release(entitlements.reserve(k1, 100), { ...ok, outcome: "aborted" });
    entitlements.reserve(k1, 200);
    entitlements.settle(entitlements.reserve(null, 10), { promptTokens: 3, completionTokens: 2 }, ok);

    let text = await registry.metrics();
    expect(text).toContain('cortex_key_requests_total{key_id="k1",account_id="acct-1",outcome="ok"} 1');
    expect(text).toContain('cortex_key_requests_total{key_id="k1",account_id="acct-1",outcome="aborted"} 1');
    expect(text).toContain('cortex_key_tokens_total{key_id="k1",account_id="acct-1",kind="completion"} 40');
    expect(text).toContain('cortex_key_cost_usd_total{key_id="k1",account_id="acct-1"} 0.04');
    expect(text).toContain('cortex_key_tokens_total{key_id="",account_id="",kind="prompt"} 3');
    expect(text).toContain('cortex_budget_spent_tokens{key_id="k1"} 100');
    expect(text).toContain('cortex_budget_reserved_tokens{key_id="k1"} 200');
    expect(text).toContain('cortex_budget_cap_tokens{key_id="k1"} 1000');
    expect(text).not.toContain('cortex_budget_cap_tokens{key_id="k2"}');
    expect(text).toContain('cortex_budget_spent_tokens{key_id="k2"} 0');

    // The gauges are read at scrape time: rolling spend that aged out is gone without any request.
    clock.advance(61_000);
    text = await registry.metrics();
    expect(text).toContain('cortex_budget_spent_tokens{key_id="k1"} 0');
    entitlements.dispose();
    // A scrape during shutdown still answers; the budget gauges are simply gone.
    text = await registry.metrics();
    expect(text).not.toContain("cortex_budget_spent_tokens{");
    expect(text).toContain('cortex_key_requests_total{key_id="k1",account_id="acct-1",outcome="ok"} 1');
  });
});
