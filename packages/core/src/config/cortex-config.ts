import { z } from "zod";

const hostPortSchema = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, "expected host:port");

/** A budget window: `balance` never resets; `rolling` frees spend `seconds` after it was made. */
export const budgetWindowSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("balance") }),
  z.strictObject({ kind: z.literal("rolling"), seconds: z.number().int().positive() }),
]);
export type BudgetWindow = z.infer<typeof budgetWindowSchema>;

/** One `[[entitlements.keys]]`: the secret as `key`, or only its hex `key_sha256` so configs hold no secrets. */
export const apiKeyConfigSchema = z
  .strictObject({
    key: z.string().min(1).optional(),
    key_sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, "expected 64 hex digits")
      .optional(),
    account_id: z.string().min(1),
    key_id: z.string().min(1).optional(),
    /** Token cap; absent = uncapped (still metered). */
    hard_cap: z.number().int().nonnegative().optional(),
    window: budgetWindowSchema.default({ kind: "balance" }),
  })
  .refine((entry) => (entry.key === undefined) !== (entry.key_sha256 === undefined), {
    message: "expected exactly one of `key` or `key_sha256`",
    path: ["key"],
  });
export type ApiKeyConfig = z.infer<typeof apiKeyConfigSchema>;

/** One `[[neurons]]` entry. */
export const neuronEndpointConfigSchema = z.strictObject({
  name: z.string().min(1),
  endpoint: z.string().url(),
  /** Sent as `Authorization: Bearer` to this neuron (its `auth_token`). */
  auth_token: z.string().min(1).optional(),
});
export type NeuronEndpointConfig = z.infer<typeof neuronEndpointConfigSchema>;

/** `cortex.toml`. */
export const cortexConfigSchema = z.strictObject({
  gateway: z.strictObject({
    listen: hostPortSchema,
    metrics_listen: hostPortSchema,
    poll_interval_ms: z.number().int().positive().default(2000),
    poll_timeout_ms: z.number().int().positive().default(5000),
    /** Consecutive failed polls before a node is marked unhealthy. */
    unhealthy_after_failures: z.number().int().positive().default(2),
    max_body_bytes: z
      .number()
      .int()
      .positive()
      .default(16 * 1024 * 1024),
    /** A stalled upstream (no bytes for this long) is cut; long but live streams are not. */
    upstream_idle_timeout_ms: z.number().int().positive().default(120_000),
    /** Bound on the wait for a non-streaming reply's headers (the neuron sends them after generating). */
    upstream_response_timeout_ms: z.number().int().positive().default(600_000),
    /** Attempts across replicas when a neuron answers with backpressure or cannot be reached. */
    max_attempts: z.number().int().positive().default(3),
    /** How long a request waits for a cold load before 503 + Retry-After. */
    cold_load_wait_ms: z.number().int().positive().default(120_000),
    /** Bound on one `POST /models/load`. */
    cold_load_timeout_ms: z.number().int().positive().default(1_800_000),
  }),
  models_config: z.string().optional(),
  eviction: z
    .strictObject({
      strategy: z.enum(["lru", "priority"]).default("lru"),
      defrag_after_cycles: z.number().int().nonnegative().default(0),
    })
    .default({ strategy: "lru", defrag_after_cycles: 0 }),
  neurons: z.array(neuronEndpointConfigSchema).default([]),
  entitlements: z
    .strictObject({
      require_auth: z.boolean().default(false),
      keys: z.array(apiKeyConfigSchema).default([]),
    })
    .default({ require_auth: false, keys: [] }),
  ledger: z
    .strictObject({
      path: z.string().default("cortex-ledger.sqlite"),
      // How long stored Responses API replies (`store`, `previous_response_id`) are kept: 30 days.
      responses_retention_hours: z.number().positive().default(720),
    })
    .default({ path: "cortex-ledger.sqlite", responses_retention_hours: 720 }),
});
export type CortexConfig = z.infer<typeof cortexConfigSchema>;
