import type { Registry } from "prom-client";
import { readMetricValues } from "./read-metric-values.js";

/** cortex's counters for one model since start, summed over its nodes. */
export interface ModelTotals {
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens the neurons reported reused from KV state (`cortex_cached_prompt_tokens_total`). */
  cachedTokens: number;
  /** Prompt tokens cache-aware routing expected cached (`cortex_route_cache_hit_tokens_total`). */
  expectedCachedTokens: number;
  /** Cumulative bucket counts by upper bound (`le`, `+Inf` as Infinity). */
  duration: Map<number, number>;
  ttft: Map<number, number>;
}

/** The counters and histograms the dashboard charts, and the refusal counters, at one instant. */
export interface TrafficTotals {
  models: Map<string, ModelTotals>;
  /** Refusal counters by a key naming the kind and labels (see `refusalKey`). */
  refusals: Map<string, number>;
}

const emptyTotals = (): ModelTotals => ({
  requests: 0,
  errors: 0,
  promptTokens: 0,
  completionTokens: 0,
  cachedTokens: 0,
  expectedCachedTokens: 0,
  duration: new Map(),
  ttft: new Map(),
});

/** A refusal counter's identity: kind, reason, key and account, joined with NUL (never in label values). */
export function refusalKey(kind: string, reason: string, keyId = "", accountId = ""): string {
  return [kind, reason, keyId, accountId].join("\u0000");
}

/** Reads the `cortex_*` series the dashboard charts from `registry` (the same numbers `/metrics` shows). */
export async function readTrafficTotals(registry: Registry): Promise<TrafficTotals> {
  const models = new Map<string, ModelTotals>();
  const of = (labels: Record<string, unknown>) => {
    const model = String(labels.model ?? "");
    let totals = models.get(model);
    if (totals === undefined) {
      totals = emptyTotals();
      models.set(model, totals);
    }
    return totals;
  };
  const counters = [
    ["cortex_requests_total", "requests"],
    ["cortex_request_errors_total", "errors"],
    ["cortex_prompt_tokens_total", "promptTokens"],
    ["cortex_completion_tokens_total", "completionTokens"],
    ["cortex_cached_prompt_tokens_total", "cachedTokens"],
    ["cortex_route_cache_hit_tokens_total", "expectedCachedTokens"],
  ] as const;
  for (const [name, field] of counters) {
    for (const sample of await readMetricValues(registry, name)) of(sample.labels)[field] += sample.value;
  }
  const histograms = [
    ["cortex_request_duration_seconds", "duration"],
    ["cortex_time_to_first_token_seconds", "ttft"],
  ] as const;
  for (const [name, field] of histograms) {
    for (const sample of await readMetricValues(registry, name)) {
      if (sample.metricName !== `${name}_bucket`) continue;
      const le = sample.labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(sample.labels.le);
      const buckets = of(sample.labels)[field];
      buckets.set(le, (buckets.get(le) ?? 0) + sample.value);
    }
  }
  const refusals = new Map<string, number>();
  const add = (key: string, value: number) => refusals.set(key, (refusals.get(key) ?? 0) + value);
  for (const sample of await readMetricValues(registry, "cortex_refusals_total")) {
    add(refusalKey("routing", String(sample.labels.code)), sample.value);
  }
  for (const sample of await readMetricValues(registry, "cortex_budget_rejections_total")) {
    const { reason, key_id: keyId, account_id: accountId } = sample.labels;
    add(refusalKey("budget", String(reason), String(keyId), String(accountId)), sample.value);
  }
  for (const sample of await readMetricValues(registry, "cortex_auth_failures_total")) {
    add(refusalKey("auth", String(sample.labels.reason)), sample.value);
  }
  return { models, refusals };
}
