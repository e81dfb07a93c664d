import { z } from "zod";
import { prefixCacheSummarySchema } from "../prefix/prefix-cache-summary.js";
import { modelStatusSchema } from "./models.js";

/** Live per-GPU readings. */
export const deviceHealthSchema = z.looseObject({
  index: z.number().int().nonnegative(),
  vram_used_mb: z.number().nonnegative(),
  vram_free_mb: z.number().nonnegative(),
  utilization_pct: z.number().nonnegative().default(0),
  temp_c: z.number().default(0),
});
export type DeviceHealth = z.infer<typeof deviceHealthSchema>;

/** Progress of the model currently being downloaded or loaded. */
export const loadProgressSchema = z.looseObject({
  model_id: z.string(),
  phase: z.enum(["downloading", "loading"]),
  /** 0..1 */
  fraction: z.number().min(0).max(1),
  downloaded_bytes: z.number().nonnegative().optional(),
  total_bytes: z.number().nonnegative().optional(),
});
export type LoadProgress = z.infer<typeof loadProgressSchema>;

/** Pre-warm activation of the neuron's configured models. */
export const activationSchema = z.looseObject({
  state: z.enum(["pre_warming", "ready"]),
  pending: z.array(z.string()).default([]),
  in_progress: z.string().nullable().default(null),
  completed: z.array(z.string()).default([]),
  failed: z.array(z.looseObject({ model_id: z.string(), error: z.string() })).default([]),
  progress: loadProgressSchema.nullable().optional(),
});
export type Activation = z.infer<typeof activationSchema>;

/**
 * Per-model load: the signal cortex routes on. `max_in_flight` / `max_queue_depth` give the replica's
 * capacity; `chars_per_token` is the measured ratio over prompts the neuron tokenized (for cortex's estimator).
 */
export const modelLoadSchema = z.looseObject({
  id: z.string(),
  /** The model's status as `/models` reports it (`stalled` while a hung worker is replaced). */
  status: modelStatusSchema.optional(),
  in_flight: z.number().int().nonnegative(),
  queue_depth: z.number().int().nonnegative(),
  max_in_flight: z.number().int().positive().optional(),
  max_queue_depth: z.number().int().nonnegative().optional(),
  chars_per_token: z.number().positive().optional(),
  /**
   * Prompt prefixes its sequences hold, for cache-aware routing; a malformed one is ignored (the load
   * still counts) rather than failing the poll.
   */
  prefix_cache: prefixCacheSummarySchema.optional().catch(undefined),
});
export type ModelLoad = z.infer<typeof modelLoadSchema>;

/** `GET /health` on a neuron. */
export const healthSchema = z.looseObject({
  uptime_secs: z.number().nonnegative(),
  devices: z.array(deviceHealthSchema).default([]),
  activation: activationSchema.default({
    state: "ready",
    pending: [],
    in_progress: null,
    completed: [],
    failed: [],
  }),
  models: z.array(modelLoadSchema).default([]),
  /** true while the neuron drains after SIGTERM: route nothing new to it. */
  draining: z.boolean().optional(),
});
export type Health = z.infer<typeof healthSchema>;
