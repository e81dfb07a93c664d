import { z } from "zod";

const series = z.array(z.number().nullable());

/** One model's charts over the window: one value per sample interval, null where nothing was served. */
export const modelTrafficSchema = z.object({
  /** Requests answered in each interval (a count, for the totals table). */
  requests: z.array(z.number()),
  requests_per_s: series,
  /** Failed dispatches over dispatches, 0..1. */
  error_rate: series,
  latency_p50_s: series,
  latency_p95_s: series,
  ttft_p50_s: series,
  ttft_p95_s: series,
  tokens_in_per_s: series,
  tokens_out_per_s: series,
  /**
   * Prompt tokens the neurons reused from KV state over prompt tokens, 0..1 (`cortex_cached_prompt_tokens_total`
   * over `cortex_prompt_tokens_total`); null where no prompt tokens were counted.
   */
  cache_hit_ratio: series,
  /**
   * Prompt tokens cache-aware routing expected cached over prompt tokens, 0..1
   * (`cortex_route_cache_hit_tokens_total`; 0 with `least_busy`, which expects nothing).
   */
  expected_cache_hit_ratio: series,
});
export type ModelTraffic = z.infer<typeof modelTrafficSchema>;

/** A refusal seen in one sample interval: a budget refusal (with its key), a routing refusal or a bad key. */
export const refusalEventSchema = z.object({
  time: z.string(),
  kind: z.enum(["budget", "routing", "auth"]),
  reason: z.string(),
  key_id: z.string().nullable(),
  account_id: z.string().nullable(),
  count: z.number(),
});
export type RefusalEvent = z.infer<typeof refusalEventSchema>;

/** `GET /ui/traffic.json`: the last 15 minutes of cortex's traffic, per model, for the dashboard's charts. */
export const trafficSeriesSchema = z.object({
  interval_ms: z.number(),
  window_ms: z.number(),
  /** Unix seconds at the end of each interval (uPlot's x axis). */
  times: z.array(z.number()),
  models: z.record(z.string(), modelTrafficSchema),
  /** Newest first, at most 50. */
  refusals: z.array(refusalEventSchema),
});
export type TrafficSeries = z.infer<typeof trafficSeriesSchema>;
