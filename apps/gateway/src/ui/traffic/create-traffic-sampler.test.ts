import { Counter, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { FleetState } from "../../fleet/fleet-state.js";
import { createCortexMetrics } from "../../metrics/create-cortex-metrics.js";
import { createTrafficSampler } from "./create-traffic-sampler.js";

function setup() {
  const registry = new Registry();
  const metrics = createCortexMetrics(registry, new FleetState([], { models: [], aliases: {} }));
  let now = 1_000_000;
  const sampler = createTrafficSampler({ registry, now: () => now, intervalMs: 2000, windowMs: 10_000 });
  const advance = async (ms: number) => {
    now += ms;
    await sampler.sample();
  };
  return { registry, metrics, sampler, advance };
}

describe("createTrafficSampler", () => {
  it("turns the request counters and histograms of each interval into per-model rates and percentiles", async () => {
    const { metrics, sampler, advance } = setup();
    await advance(0);
    const labels = { model: "tiny", node: "a" };
    for (let index = 0; index < 4; index++) {
      metrics.requests.inc(labels);
      metrics.requestDuration.observe(labels, 0.2);
      metrics.timeToFirstToken.observe(labels, 0.03);
    }
    metrics.requestErrors.inc(labels);
    metrics.promptTokens.inc(labels, 40);
    metrics.completionTokens.inc({ model: "tiny", node: "b" }, 20);
    await advance(2000);
    await advance(2000);
    const series = sampler.series();
    expect(series.times).toEqual([1_002, 1_004]);
    const tiny = series.models.tiny;
    expect(tiny?.requests).toEqual([4, 0]);
    expect(tiny?.requests_per_s).toEqual([2, 0]);
    expect(tiny?.error_rate).toEqual([0.25, null]);
    expect(tiny?.tokens_in_per_s).toEqual([20, 0]);
    expect(tiny?.tokens_out_per_s).toEqual([10, 0]);
    // 0.2 s falls in the (0.1, 0.25] bucket: p50 interpolates to its middle.
    expect(tiny?.latency_p50_s[0]).toBeCloseTo(0.175);
    expect(tiny?.latency_p95_s[0]).toBeGreaterThan(0.1);
    expect(tiny?.latency_p95_s[0]).toBeLessThanOrEqual(0.25);
    expect(tiny?.ttft_p50_s[0]).toBeGreaterThan(0.025);
    expect(tiny?.latency_p50_s[1]).toBeNull();
  });

  it("charts the prompt-cache hit ratio, actual and expected, over each interval's prompt tokens", async () => {
    const { metrics, sampler, advance } = setup();
    await advance(0);
    const a = { model: "tiny", node: "a" };
    const b = { model: "tiny", node: "b" };
    metrics.requests.inc(a, 2);
    metrics.promptTokens.inc(a, 300);
    metrics.promptTokens.inc(b, 100);
    metrics.cachedPromptTokens.inc(a, 240);
    metrics.cachedPromptTokens.inc(b, 60);
    metrics.cacheHitTokens.inc(a, 200);
    await advance(2000);
    // Expected hits counted at dispatch, their prompt not yet settled: capped at 100 %.
    metrics.requests.inc(a);
    metrics.promptTokens.inc(a, 50);
    metrics.cacheHitTokens.inc(a, 80);
    await advance(2000);
    metrics.requests.inc(a);
    await advance(2000);
    const tiny = sampler.series().models.tiny;
    expect(tiny?.cache_hit_ratio).toEqual([0.75, 0, null]);
    expect(tiny?.expected_cache_hit_ratio).toEqual([0.5, 1, null]);
  });

  it("keeps only the window, so old traffic leaves the charts", async () => {
    const { metrics, sampler, advance } = setup();
    await advance(0);
    metrics.requests.inc({ model: "tiny", node: "a" });
    await advance(2000);
    for (let index = 0; index < 6; index++) await advance(2000);
    const series = sampler.series();
    expect(series.times.length).toBeLessThanOrEqual(5);
    expect(series.models.tiny?.requests.reduce((sum, count) => sum + count, 0)).toBe(0);
  });

  it("lists refusals newest first with the key a budget refusal was for", async () => {
    const { registry, metrics, sampler, advance } = setup();
    const budget = new Counter({
      name: "cortex_budget_rejections_total",
      help: "test",
      labelNames: ["key_id", "account_id", "reason"],
      registers: [registry],
    });
    await advance(0);
    budget.inc({ key_id: "k1", account_id: "acct", reason: "insufficient_quota" }, 2);
    await advance(2000);
    metrics.refusals.inc({ code: "model_not_found" });
    await advance(2000);
    expect(sampler.series().refusals).toEqual([
      expect.objectContaining({ kind: "routing", reason: "model_not_found", key_id: null, count: 1 }),
      expect.objectContaining({
        kind: "budget",
        reason: "insufficient_quota",
        key_id: "k1",
        account_id: "acct",
        count: 2,
      }),
    ]);
  });
});
