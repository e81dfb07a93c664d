import type { Registry } from "prom-client";
import { type Bucket, histogramQuantile } from "./histogram-quantile.js";
import { type ModelTotals, readTrafficTotals, type TrafficTotals } from "./read-traffic-totals.js";
import type { ModelTraffic, RefusalEvent, TrafficSeries } from "./traffic-series.js";

export interface TrafficSamplerOptions {
  registry: Registry;
  /** Epoch milliseconds. */
  now: () => number;
  /** Default 2 s. */
  intervalMs?: number;
  /** Default 15 minutes. */
  windowMs?: number;
}

/**
 * The dashboard's traffic history: every `intervalMs` it reads cortex's own request counters and
 * histograms from the metrics registry and keeps what changed in that interval, per model, for
 * `windowMs`. Reading the registry (rather than a hook in the request path) keeps the charts equal to
 * `/metrics` and costs the request path nothing; latency and TTFT percentiles are interpolated from the
 * histogram buckets, as Prometheus's `histogram_quantile` does. Memory is bounded by window ÷ interval
 * samples × models. Kept in memory only: a restart starts the charts empty.
 */
export interface TrafficSampler {
  /** Takes one sample now (the timer calls it; tests call it directly). */
  sample(): Promise<void>;
  series(): TrafficSeries;
  start(): void;
  stop(): void;
}

interface Sample {
  time: number;
  /** Seconds since the sample before (the timer's interval, give or take its drift). */
  seconds: number;
  models: Map<string, Delta>;
}

interface Delta {
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  expectedCachedTokens: number;
  duration: Bucket[];
  ttft: Bucket[];
}

const MAX_REFUSALS = 50;

export function createTrafficSampler(options: TrafficSamplerOptions): TrafficSampler {
  const intervalMs = options.intervalMs ?? 2000;
  const windowMs = options.windowMs ?? 15 * 60_000;
  const samples: Sample[] = [];
  const refusals: RefusalEvent[] = [];
  let previous: TrafficTotals | null = null;
  let previousTime = 0;
  let timer: NodeJS.Timeout | undefined;

  const sample = async () => {
    const totals = await readTrafficTotals(options.registry);
    const time = options.now();
    if (previous !== null) {
      const models = new Map<string, Delta>();
      for (const [model, current] of totals.models) {
        const delta = difference(current, previous.models.get(model));
        if (delta.requests > 0 || delta.errors > 0 || previous.models.has(model)) models.set(model, delta);
      }
      samples.push({ time, seconds: Math.max(0.001, (time - previousTime) / 1000), models });
      recordRefusals(totals.refusals, previous.refusals, time);
    }
    previous = totals;
    previousTime = time;
    while (samples.length > 0 && (samples[0]?.time ?? time) <= time - windowMs) samples.shift();
  };

  const recordRefusals = (current: Map<string, number>, before: Map<string, number>, time: number) => {
    for (const [key, value] of current) {
      const count = value - (before.get(key) ?? 0);
      if (count <= 0) continue;
      const [kind, reason, keyId, accountId] = key.split("\u0000") as [
        RefusalEvent["kind"],
        string,
        string,
        string,
      ];
      refusals.unshift({
        time: new Date(time).toISOString(),
        kind,
        reason,
        key_id: keyId === "" ? null : keyId,
        account_id: accountId === "" ? null : accountId,
        count,
      });
    }
    refusals.splice(MAX_REFUSALS);
  };

  return {
    sample,
    series: () => toSeries(samples, intervalMs, windowMs, refusals),
    start() {
      if (timer !== undefined) return;
      void sample().catch(() => {});
      timer = setInterval(() => void sample().catch(() => {}), intervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

function difference(current: ModelTotals, before: ModelTotals | undefined): Delta {
  // A counter smaller than before was reset (never in one process, but cheap to handle): take it whole.
  const minus = (now: number, then: number | undefined) => (now >= (then ?? 0) ? now - (then ?? 0) : now);
  const buckets = (now: Map<number, number>, then: Map<number, number> | undefined): Bucket[] =>
    [...now].sort(([a], [b]) => a - b).map(([le, count]) => ({ le, count: minus(count, then?.get(le)) }));
  return {
    requests: minus(current.requests, before?.requests),
    errors: minus(current.errors, before?.errors),
    promptTokens: minus(current.promptTokens, before?.promptTokens),
    completionTokens: minus(current.completionTokens, before?.completionTokens),
    cachedTokens: minus(current.cachedTokens, before?.cachedTokens),
    expectedCachedTokens: minus(current.expectedCachedTokens, before?.expectedCachedTokens),
    duration: buckets(current.duration, before?.duration),
    ttft: buckets(current.ttft, before?.ttft),
  };
}

/**
 * Tokens over the interval's prompt tokens, 0..1; null when no prompt tokens were counted. The expected
 * hits are counted at dispatch and the prompt at settling, so an interval can hold one without the other:
 * capped at 1.
 */
function ratioOfPrompt(tokens: number, delta: Delta): number | null {
  return delta.promptTokens > 0 ? Math.min(1, tokens / delta.promptTokens) : null;
}

function toSeries(
  samples: readonly Sample[],
  intervalMs: number,
  windowMs: number,
  refusals: readonly RefusalEvent[],
): TrafficSeries {
  const ids = new Set<string>();
  for (const sample of samples) for (const id of sample.models.keys()) ids.add(id);
  const models: Record<string, ModelTraffic> = {};
  for (const id of [...ids].sort()) {
    const column = (pick: (delta: Delta, seconds: number) => number | null) =>
      samples.map((sample) => {
        const delta = sample.models.get(id);
        return delta === undefined ? null : pick(delta, sample.seconds);
      });
    const served = (pick: (delta: Delta) => number | null) => (delta: Delta) =>
      delta.requests > 0 || delta.errors > 0 ? pick(delta) : null;
    models[id] = {
      requests: samples.map((sample) => sample.models.get(id)?.requests ?? 0),
      requests_per_s: column((delta, seconds) => delta.requests / seconds),
      error_rate: column(
        served((delta) => Math.min(1, delta.errors / Math.max(delta.requests, delta.errors))),
      ),
      latency_p50_s: column((delta) => histogramQuantile(0.5, delta.duration)),
      latency_p95_s: column((delta) => histogramQuantile(0.95, delta.duration)),
      ttft_p50_s: column((delta) => histogramQuantile(0.5, delta.ttft)),
      ttft_p95_s: column((delta) => histogramQuantile(0.95, delta.ttft)),
      tokens_in_per_s: column((delta, seconds) => delta.promptTokens / seconds),
      tokens_out_per_s: column((delta, seconds) => delta.completionTokens / seconds),
      cache_hit_ratio: column((delta) => ratioOfPrompt(delta.cachedTokens, delta)),
      expected_cache_hit_ratio: column((delta) => ratioOfPrompt(delta.expectedCachedTokens, delta)),
    };
  }
  return {
    interval_ms: intervalMs,
    window_ms: windowMs,
    times: samples.map((sample) => sample.time / 1000),
    models,
    refusals: [...refusals],
  };
}
